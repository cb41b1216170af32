"""A person's name as others see it: one line of letters, marks, numbers, punctuation,
symbols and spaces (anything else is refused; runs of whitespace become one space). The
model field and its form field share the rule, so every form and service applies it.
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
