"""A person's name as others see it: one line of ordinary text.

The name goes into email headers and subjects, packets, the admin and pages, so
it is decided by what it may contain, not by a list of known bad characters:
letters, marks, numbers, punctuation, symbols and spaces. Everything else
(control, format, private-use, unassigned and surrogate characters, line and
paragraph separators) is refused. Runs of whitespace, line breaks included,
become one space first, so a name pasted with a newline is simply one line.

The model field and its form field share these two functions, so every form
that edits a name (account settings, profile, admin) and every service that
sets one goes through the same rule.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

_ALLOWED = ("L", "M", "N", "P", "S", "Zs")


def normalise_name(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


def is_allowed(ch: str) -> bool:
    return unicodedata.category(ch).startswith(_ALLOWED)


def validate_name(value: str) -> None:
    if not all(map(is_allowed, value)):
        raise ValidationError(
            _("Enter a name made of letters, numbers, punctuation, symbols and spaces."),
            code="name_characters",
        )


class NameFormField(forms.CharField):
    default_validators = [validate_name]

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return normalise_name(value) if value else value


class NameField(models.CharField):
    default_validators = [validate_name]

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return normalise_name(value) if value else value

    def formfield(
        self,
        form_class: type[forms.Field] | None = NameFormField,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        return super().formfield(
            form_class=form_class, choices_form_class=choices_form_class, **kwargs
        )
