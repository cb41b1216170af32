"""The email preferences and unsubscribe pages in French, for a browser that asks for it."""

from __future__ import annotations

import pytest
from django.test import Client

from communications import categories
from communications.categories import Category

pytestmark = pytest.mark.django_db

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr"}


def test_the_preferences_page_speaks_french_when_the_browser_asks(seeker_client):
    html = seeker_client.get("/email/preferences/", **FRENCH).content.decode()
    assert "Préférences d\u2019e-mail" in html
    assert "Enregistrer les préférences" in html
    assert "Save preferences" not in html


def test_the_preferences_page_follows_the_language_cookie(seeker_client, settings):
    seeker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = seeker_client.get("/email/preferences/").content.decode()
    assert "<h2>Toujours envoyés</h2>" in html and "<h2>Always sent</h2>" not in html


def test_the_unsubscribe_link_asks_and_answers_in_french(seeker):
    token = categories.unsubscribe_token(seeker, Category.ANNOUNCEMENTS)
    path = f"/email/unsubscribe/{token}/"
    client = Client(**FRENCH)

    asked = client.get(path).content.decode()
    assert "Se désabonner des e-mails" in asked
    assert "continuent d\u2019arriver" in asked

    done = client.post(path).content.decode()
    assert "ne recevra plus les e-mails" in done
    assert "Vous avez changé d\u2019avis" in done
    assert not categories.may_receive(seeker, Category.ANNOUNCEMENTS)


def test_an_unknown_unsubscribe_link_is_explained_in_french():
    html = Client(**FRENCH).get("/email/unsubscribe/not-a-token/").content.decode()
    assert "Nous ne reconnaissons pas ce lien de désabonnement" in html


def test_english_stays_the_default():
    html = Client().get("/email/unsubscribe/not-a-token/").content.decode()
    assert "We do not recognise this unsubscribe link" in html
