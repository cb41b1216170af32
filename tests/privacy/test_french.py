"""The privacy pages in French, for a browser that asks for it. The policy and terms are
shown in their French translation, with a note and a link to the English text, which is
the one that applies; a version without a translation is shown in English, and says so."""

from __future__ import annotations

import pytest
from django.test import Client

from privacy.documents.translations import TRANSLATIONS, translation_of
from privacy.models import PolicyVersion
from privacy.policy_text import parse_policy

from .builders import published_version

pytestmark = pytest.mark.django_db

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr"}
TRANSLATION_NOTE = "Ceci est une traduction, pour vous aider à le lire."
ENGLISH_ONLY = "Ce texte n\u2019est publié qu\u2019en anglais"


def test_the_policy_in_french_is_the_translation_with_a_link_to_the_english_text():
    html = Client(**FRENCH).get("/privacy/").content.decode()
    assert "Politique de confidentialité" in html
    assert "Version 1, en vigueur depuis le" in html
    assert TRANSLATION_NOTE in html and 'href="/privacy/?original=1" hreflang="en"' in html
    assert '<div lang="fr">' in html
    assert "1. Principes essentiels" in html and "2.3. Informations de paiement" in html
    assert 'id="s2-9"' in html  # links to a section work in either language
    assert "Core Principles" not in html


def test_the_english_text_is_one_click_away_and_says_it_applies():
    html = Client(**FRENCH).get("/privacy/?original=1").content.decode()
    assert "C\u2019est le texte anglais qui s\u2019applique." in html
    assert '<a href="/privacy/">Lire la traduction</a>' in html
    assert '<div lang="en">' in html and "1. Core Principles" in html
    assert "Principes essentiels" not in html


def test_the_terms_in_french_are_translated_too(client):
    html = client.get("/terms/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert TRANSLATION_NOTE in html
    assert "4.2. Remboursements" in html and "4.2. Refunds" not in html


def test_a_version_without_a_translation_is_shown_in_english_and_says_so():
    version = published_version()  # terms version 2, not translated
    assert translation_of(version, "fr") is None
    html = Client(**FRENCH).get("/privacy/versions/terms/2/").content.decode()
    assert ENGLISH_ONLY in html and TRANSLATION_NOTE not in html
    assert '<div lang="en">' in html and "within 7 days of buying it" in html


def test_the_policy_in_english_has_no_note():
    html = Client().get("/privacy/").content.decode()
    assert "Version 1, in force since" in html and "1. Core Principles" in html
    assert TRANSLATION_NOTE not in html and ENGLISH_ONLY not in html


@pytest.mark.parametrize("document", ["privacy", "terms"])
def test_a_translation_follows_its_version_section_for_section(document):
    """A translation says what the English text of its version says, in the same sections
    (same numbers, titles and text in each): it cannot drift out of shape."""
    version = PolicyVersion.objects.published().get(document=document, version=1)
    translation = translation_of(version, "fr")
    assert translation is not None
    english, french = parse_policy(version.text), translation.blocks
    assert [b.number for b in french] == [b.number for b in english]
    for en, fr in zip(english, french, strict=True):
        assert bool(fr.title) == bool(en.title) and bool(fr.paragraphs) == bool(en.paragraphs)
    assert "{support_email}" not in " ".join(p for b in french for p in b.paragraphs)
    assert sorted(p.name for p in (TRANSLATIONS / "fr").glob("*.txt")) == ["terms-v1.txt", "v1.txt"]


def test_the_data_inventory_is_kept_per_language():
    """The inventory is rendered once per process: once per language, never mixed."""
    english = Client().get("/privacy/data/").content.decode()
    french = Client(**FRENCH).get("/privacy/data/").content.decode()
    again = Client().get("/privacy/data/").content.decode()
    assert "Legal basis" in english and "Base légale" not in english
    assert "Base légale" in french and "Legal basis" not in french
    assert "Durée de conservation" in french
    assert "Legal basis" in again and "Base légale" not in again


def test_the_cookie_page_speaks_french():
    html = Client(**FRENCH).get("/privacy/cookies/").content.decode()
    assert "Cookies et technologies similaires" in html
    assert "Tous les cookies que nous pouvons déposer" in html
    assert "Ils sont tous déposés par Job Letters" in html


def test_the_signed_in_privacy_pages_follow_the_language_cookie(seeker_client, settings):
    seeker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    my_data = seeker_client.get("/privacy/my-data/").content.decode()
    assert "Ce que nous détenons sur vous" in my_data
    assert "Les consentements que vous avez donnés ou retirés" in my_data
    export = seeker_client.get("/privacy/export/").content.decode()
    assert "Préparer une copie de mes données" in export
    delete = seeker_client.get("/privacy/delete/").content.decode()
    assert "Ce que la loi nous oblige à garder" in delete
    assert "Supprimer mon compte" in delete


def test_the_processors_and_versions_pages_speak_french():
    client = Client(**FRENCH)
    assert "Les entreprises qui traitent des données pour nous" in (
        client.get("/privacy/subprocessors/").content.decode()
    )
    assert "Versions de notre politique de confidentialité et de nos conditions" in (
        client.get("/privacy/versions/").content.decode()
    )
    assert "Demandes des autorités" in client.get("/privacy/transparency/").content.decode()
