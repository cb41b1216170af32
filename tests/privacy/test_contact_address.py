"""The policy and the terms give the configured support address, the one the footer and
the emails give (the texts write it as a placeholder; version 1 as stored named another)."""

import pytest

from privacy.models import PolicyVersion
from privacy.policy_text import parse_policy

pytestmark = pytest.mark.django_db

ADDRESS = "help@careers.acme.test"


@pytest.mark.parametrize("path", ["/privacy/", "/terms/"])
def test_the_documents_give_the_configured_support_address(client, settings, path):
    settings.SUPPORT_EMAIL = ADDRESS
    page = client.get(path).content.decode()
    assert "jobnexus" not in page
    assert "{support_email}" not in page
    main, footer = page.split("<footer", 1)
    assert ADDRESS in main
    assert f"mailto:{ADDRESS}" in footer


def test_a_text_stored_with_the_old_address_shows_the_configured_one(settings):
    settings.SUPPORT_EMAIL = ADDRESS
    stored = (
        PolicyVersion.objects.published().filter(document=PolicyVersion.Document.PRIVACY).first()
    )
    old = stored.text.replace("{support_email}", "support@jobnexus.com")
    paragraphs = [p for block in parse_policy(old) for p in block.paragraphs]
    assert any(ADDRESS in p for p in paragraphs)
    assert not any("jobnexus" in p for p in paragraphs)
