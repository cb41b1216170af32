"""Text people type, kept as others will read it: decided by an allow-list of characters.

Letters, marks, numbers, punctuation, symbols and spaces, and line breaks and tabs where
the field has lines (a ``Textarea``). Anything else (controls such as ESC, bidi overrides
and other format characters, private use, unassigned code points, line separators) is
refused with the character named, never dropped without a word: what is kept is what the
person wrote. Names have their own rule (``accounts.names``).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ALLOWED = ("L", "M", "N", "P", "S", "Zs")
_LINE_BREAKS = "\n\r\t"

UNREADABLE = _(
    "This contains a character that cannot be shown (U+%(code)04X). Write it as plain text."
)


def unreadable(text: str, *, lines: bool) -> str | None:
    """The first character of ``text`` outside the allow-list, or None."""
    breaks = _LINE_BREAKS if lines else ""
    for char in text:
        if char not in breaks and not unicodedata.category(char).startswith(_ALLOWED):
            return char
    return None


class TextField(forms.CharField):
    """A ``CharField`` for what people write: one line, or lines with a ``Textarea``."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        char = unreadable(value or "", lines=isinstance(self.widget, forms.Textarea))
        if char is not None:
            raise ValidationError(UNREADABLE, code="unreadable", params={"code": ord(char)})
