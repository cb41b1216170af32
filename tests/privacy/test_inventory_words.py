"""The data inventory in the reader's language: every declaration's words are in the
catalogue (privacy.inventory_words), and the pages show them translated."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from privacy import registry
from privacy.inventory_words import WORDS


def _declared_words() -> set[str]:
    found: set[str] = set()
    for d in registry.declarations():
        found.update(filter(None, [d.category, d.purpose, *d.recipients, *d.held.values()]))
        retention = d.retention
        if retention is not None:
            found.update(filter(None, [retention.event, retention.note]))
            found.update(rule.words for rule in retention.reduce if rule.words)
    return found


def test_every_declared_word_is_listed_for_the_catalogue():
    declared = _declared_words()
    assert len(declared) > 100
    assert sorted(declared - set(WORDS)) == []


def test_the_inventory_reads_the_same_in_english_and_translated_in_french():
    from accounts.models import User

    declaration = registry.declaration_for(User)
    # In English explicitly: a page a test asked for in French leaves French active.
    with translation.override(settings.LANGUAGE_CODE):
        english = declaration.retention.words()
    assert english.startswith("Deleted 7 days after sign-up if the email address is never")
    with translation.override("fr"):
        assert declaration.label == "Votre compte"
        assert declaration.purpose_words.startswith("Pour créer votre compte")
        french = declaration.retention.words()
        assert french.startswith("Supprimé 7 jours après l\u2019inscription")
        assert (
            declaration.legal_basis.label == "Pour fournir le service auquel vous vous êtes inscrit"
        )
    with translation.override(settings.LANGUAGE_CODE):
        assert declaration.label == "Your account"


@pytest.mark.django_db
def test_the_data_page_is_in_french_for_a_french_browser():
    html = Client(HTTP_ACCEPT_LANGUAGE="fr").get("/privacy/data/").content.decode()
    assert "Pour créer votre compte" in html
    assert "To set up your account" not in html
