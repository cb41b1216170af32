"""§8 email preferences: categories explained, changes at once, each one a ledger row."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communications import categories
from communications.categories import Category
from privacy.models import Consent

from . import builders as b

pytestmark = pytest.mark.django_db

PAGE = "/email/preferences/"


def _ticked(html: str, name: str) -> bool:
    match = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', html)
    assert match, name
    return " checked" in match.group(0)


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_s8_the_page_explains_each_category_and_shows_the_defaults(seeker_client, settings):
    seeker_client.get("/dashboard/")  # the session's first request records it
    with CaptureQueriesContext(connection) as queries:
        response = seeker_client.get(PAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert _writes(queries) == []
    assert len(queries) <= 3  # session, user, the person's choices
    for category in Category:
        assert category.label in html
        assert category.description in html
    assert _ticked(html, "announcements")
    assert not _ticked(html, "marketing")
    assert 'name="transactional"' not in html  # not something to switch off


def test_s8_a_change_applies_at_once_and_is_a_ledger_row_with_the_words_shown(
    seeker, seeker_client
):
    response = seeker_client.post(PAGE, {"marketing": "on"})  # announcements unticked
    assert response.status_code == 302 and response["Location"] == PAGE

    assert categories.choices_of(seeker) == {
        Category.ANNOUNCEMENTS: False,
        Category.MARKETING: True,
    }
    rows = {row.purpose: row for row in Consent.objects.filter(person=seeker)}
    assert set(rows) == {"email_announcements", "email_marketing"}
    assert rows["email_marketing"].granted is True
    assert rows["email_announcements"].granted is False
    assert Category.MARKETING.description in rows["email_marketing"].text
    assert "Yes, email me these." in rows["email_marketing"].text
    assert "No, do not email me these." in rows["email_announcements"].text
    assert rows["email_marketing"].reference == "email-preferences"
    assert rows["email_marketing"].policy_version is not None

    page = seeker_client.get(PAGE).content.decode()
    assert _ticked(page, "marketing") and not _ticked(page, "announcements")
    assert "Your email preferences were saved" in page


def test_s8_saving_without_a_change_adds_no_row(seeker, seeker_client):
    seeker_client.post(PAGE, {"announcements": "on"})
    assert not Consent.objects.filter(person=seeker).exists()
    seeker_client.post(PAGE, {"announcements": "on", "marketing": "on"})
    seeker_client.post(PAGE, {"announcements": "on", "marketing": "on"})
    assert Consent.objects.filter(person=seeker).count() == 1


def test_s8_turning_back_on_after_unsubscribing(seeker, seeker_client):
    b.choose(seeker, Category.ANNOUNCEMENTS, False)
    seeker_client.post(PAGE, {"announcements": "on"})
    assert categories.may_receive(seeker, Category.ANNOUNCEMENTS)


def test_s8_preferences_need_signing_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(PAGE, {"marketing": "on"}).status_code == 302
    assert not Consent.objects.exists()


def test_s8_linked_from_account_settings_and_the_dashboard(seeker_client):
    for page in ("/accounts/settings/", "/dashboard/"):
        assert f'href="{PAGE}"' in seeker_client.get(page).content.decode(), page
