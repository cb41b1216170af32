from __future__ import annotations

from typing import Any

from django import forms

from .categories import OPTIONAL, Category


class PreferencesForm(forms.Form):
    """One checkbox per category a person may turn on or off."""

    def __init__(self, data: Any = None, *, current: dict[Category, bool], **kwargs: Any) -> None:
        super().__init__(data, initial={c.value: current[c] for c in OPTIONAL}, **kwargs)
        for category in OPTIONAL:
            self.fields[category.value] = forms.BooleanField(
                label=category.label, help_text=category.description, required=False
            )

    def wanted(self) -> dict[Category, bool]:
        return {c: bool(self.cleaned_data.get(c.value)) for c in OPTIONAL}
