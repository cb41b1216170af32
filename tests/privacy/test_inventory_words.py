"""The data inventory in the reader's language: each declaration marks its words for the
catalogue where they are written (``*/personal_data.py``), every one is translated into
French, and what programs read (file names, legal requests' scope) stays English."""

from __future__ import annotations

import html

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from privacy.registry.declarations import declaration_for, declarations


def _declared_words() -> list:
    """Every word a declaration shows people, as declared (lazy: in the active language)."""
    words = []
    for d in declarations():
        words += [d.category, d.purpose, *d.recipients, *d.held.values()]
        retention = d.retention
        words += [retention.event, retention.note, *(rule.words for rule in retention.reduce)]
    return [word for word in words if word]


def test_every_declared_word_is_translated_into_french():
    with translation.override(settings.LANGUAGE_CODE):
        english = {str(word) for word in _declared_words()}
    assert len(english) > 100
    with translation.override("fr"):
        # A word left unmarked, or missing from the catalogue, reads the same in French.
        untranslated = sorted({str(word) for word in _declared_words()} & english)
    assert untranslated == []


@pytest.mark.django_db
def test_the_data_page_in_french_has_no_declared_word_left_in_english():
    with translation.override(settings.LANGUAGE_CODE):
        english = {str(word) for word in _declared_words()}
    page = html.unescape(Client(HTTP_ACCEPT_LANGUAGE="fr").get("/privacy/data/").content.decode())
    assert "Pour créer votre compte" in page
    assert sorted(word for word in english if word in page) == []


def test_file_names_and_stored_scopes_stay_english_in_french():
    with translation.override(settings.LANGUAGE_CODE):
        english = [d.slug for d in declarations()]
    with translation.override("fr"):
        assert sorted(d.slug for d in declarations()) == sorted(english)
    assert "2-1-your-account" in english and "2-3-billing-account" in english


def test_the_inventory_reads_the_same_in_english_and_translated_in_french():
    from accounts.models import User

    declaration = declaration_for(User)
    # In English explicitly: a page a test asked for in French leaves French active.
    with translation.override(settings.LANGUAGE_CODE):
        english = declaration.retention.words()
        assert declaration.label == "Your account"
    assert english.startswith("Deleted 7 days after sign-up if the email address is never")
    with translation.override("fr"):
        assert declaration.label == "Votre compte"
        assert str(declaration.purpose).startswith("Pour créer votre compte")
        french = declaration.retention.words()
        assert french.startswith("Supprimé 7 jours après l\u2019inscription")
        assert (
            declaration.legal_basis.label == "Pour fournir le service auquel vous vous êtes inscrit"
        )
