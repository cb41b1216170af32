"""What the scripts say comes from the catalogue at /jsi18n/<language>/: every message a
script shows is in the French djangojs catalogue, and only those are sent."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django_countries import no_translation_fallback

pytestmark = pytest.mark.django_db

SCRIPTS = Path(settings.BASE_DIR) / "static" / "js"
MESSAGES = {
    entry.msgid
    for entry in polib.pofile(Path(settings.BASE_DIR) / "locale/fr/LC_MESSAGES/djangojs.po")
}
# gettext("…") and the singular of ngettext("…", "…", n), as the scripts call them.
CALL = re.compile(r'\b(n?gettext)\(\s*"((?:[^"\\]|\\.)*)"')


def _messages_in_scripts() -> set[str]:
    found = set()
    for script in SCRIPTS.glob("*.js"):
        for _name, text in CALL.findall(script.read_text(encoding="utf-8")):
            found.add(json.loads(f'"{text}"'))
    return found


def _catalogue(language: str) -> dict:
    response = Client().get(f"/jsi18n/{language}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    match = re.search(r"const newcatalog = (\{.*?\n  \});", response.content.decode(), re.S)
    return json.loads(match.group(1)) if match else {}


def test_every_message_a_script_shows_is_marked_for_translation():
    in_scripts = _messages_in_scripts()
    assert len(in_scripts) >= 15  # the autocomplete, the landing page's count, the CV list
    assert in_scripts == MESSAGES, in_scripts ^ MESSAGES


def test_the_french_catalogue_translates_every_message_and_nothing_else():
    catalogue = _catalogue("fr")
    assert set(catalogue) == MESSAGES
    assert catalogue["Counting…"] == "Décompte en cours…"
    assert catalogue["%(count)s recruiter covers %(what)s."] == [
        "%(count)s recruteur couvre %(what)s.",
        "%(count)s recruteurs couvrent %(what)s.",
    ]
    for msgid, translated in catalogue.items():
        for form in translated if isinstance(translated, list) else [translated]:
            assert set(re.findall(r"%\(\w+\)s", form)) == set(re.findall(r"%\(\w+\)s", msgid))


def test_the_english_catalogue_is_empty_and_the_scripts_keep_their_own_words():
    assert _catalogue(settings.LANGUAGE_CODE) == {}


def test_the_catalogue_is_cacheable_and_only_for_known_languages():
    response = Client().get("/jsi18n/fr/")
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    assert Client().get("/jsi18n/xx/").status_code == 404
    assert Client().post("/jsi18n/fr/").status_code == 405


def test_the_catalogue_is_served_after_django_countries_changed_the_fallbacks():
    """Naming a country puts a translator without a catalogue of its own in the default
    language's fallbacks (django-countries); the French catalogue is still served."""
    with translation.override(settings.LANGUAGE_CODE), no_translation_fallback():
        pass
    assert _catalogue("fr")["Now choose a place."] == "Choisissez maintenant un lieu."
