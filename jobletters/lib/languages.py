"""Which of the site's languages (settings.LANGUAGES) a person's pages and emails use.

See accounts.languages for the page's language; emails are rendered in
:func:`email_language` by jobletters.lib.emails.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

DEFAULT = settings.LANGUAGE_CODE
AVAILABLE = {code for code, _name in settings.LANGUAGES}


def supported(code: str | None) -> str | None:
    """``code`` as one of settings.LANGUAGES ("fr-CA" → "fr", "en-GB" → "en"), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code.strip())
    except LookupError:
        return None


def person_language(person: Any) -> str:
    """The language of this person's emails: their saved one, else English."""
    return supported(getattr(person, "language", "")) or DEFAULT


def email_language(to: Iterable[str], person: Any = None) -> str:
    """The language an email to ``to`` is written in.

    The saved language of the person it is for (``person``), else of the account at
    the single recipient address; for an address without an account (a visitor's
    contact form, a subscription), the language that visitor's pages are in now
    (English when queued outside a request)."""
    if person is not None and getattr(person, "pk", None):
        return person_language(person)
    addresses = list(to)
    if len(addresses) == 1:
        found = (
            get_user_model()
            ._default_manager.filter(email__iexact=addresses[0])
            .values_list("language", flat=True)
        )
        for saved in found[:1]:
            return supported(saved) or DEFAULT
    return supported(translation.get_language()) or DEFAULT


# Words recruiters list their languages in (recruiters.Recruiter.languages), by code.
_LANGUAGE_WORDS = {
    "en": {"en", "en-gb", "en-us", "english", "anglais"},
    "fr": {"fr", "fr-fr", "french", "français", "francais"},
}


def language_of_words(languages: Iterable[str]) -> str:
    """A recruiter's emails: the first language they list, if it is one we have, else
    English (``["French", "English"]`` → "fr"; ``["German", "French"]`` → English)."""
    first = " ".join(str(next(iter(languages), "")).lower().split())
    return next((code for code, words in _LANGUAGE_WORDS.items() if first in words), DEFAULT)


def mid_sentence(label: object) -> str:
    """A label inside a sentence: "Sent" → "sent", "Purchases" → "purchases", but
    "CV downloaded" keeps its capitals (a second capital letter means an abbreviation)."""
    label = str(label)
    if label[1:2].isupper():
        return label
    return label[:1].lower() + label[1:]
