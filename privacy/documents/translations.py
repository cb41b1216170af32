"""Translations of the privacy policy and the terms, to read: the English text applies.

A version's translation is ``privacy/policy/<language>/<name>.txt``, named like that
version's English seed and in the same numbered format. Without one in the reader's language
the English text is shown, so a new version never shows an older version's translation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

from privacy.models import PolicyVersion
from privacy.policy_text import PolicyBlock, parse_policy

TRANSLATIONS = Path(__file__).resolve().parent.parent / "policy"


@dataclass(frozen=True)
class Translation:
    """A version's text in another language, shaped like the version for the templates."""

    language: str
    blocks: list[PolicyBlock] = field(compare=False)


@cache
def _read(language: str, name: str) -> Translation | None:
    path = TRANSLATIONS / language / name
    if not path.is_file():
        return None
    return Translation(language, parse_policy(path.read_text(encoding="utf-8")))


def translation_of(version: PolicyVersion, language: str | None = None) -> Translation | None:
    """``version`` in ``language`` (the active one by default), or None: read it in English."""
    code = (language or get_language() or "en").lower().split("-")[0]
    if code == "en" or not code.isalpha():
        return None
    prefix = "" if version.document == PolicyVersion.Document.PRIVACY else f"{version.document}-"
    return _read(code, f"{prefix}v{version.version}.txt")
