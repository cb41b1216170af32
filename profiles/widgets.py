from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from .models import MAX_TARGETS


class TargetsWidget(forms.Widget):
    """Chosen taxonomy entries as checkboxes, plus a search box for adding more.

    Only the chosen entries are rendered (one query), never the whole vocabulary:
    thousands of places would make the page heavy and slow. The search box is
    enhanced by static/js/taxonomy-autocomplete.js (markup contract at its top);
    without JavaScript, ``<name>_search`` is resolved by the form on save: what
    the words name exactly is added (``added``), otherwise the form asks which
    entry is meant (``suggestions``, unticked) or says nothing matched.
    """

    template_name = "profiles/widgets/targets.html"

    def __init__(self, *, kind: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.kind = kind  # "occupations" or "places"
        self.known_labels: dict[str, str] = {}  # value → label, set by the form (no query)
        # value → label for values the form's data holds (defaults to the queryset).
        self.labels_for: Callable[[list[str]], dict[str, str]] | None = None
        self.added: list[tuple[str, str]] = []  # (value, label) resolved from typed words
        self.suggestions: list[tuple[str, str]] = []  # (value, label) to choose from
        self.search_value = ""
        # The other target box a pair ("attorney in London") also fills: its list and name.
        self.pair_with: dict[str, str] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> TargetsWidget:
        # Each form gets its own widget (Django's copy is shallow): what one form
        # resolved or suggests must never show in another person's form.
        copy = super().__deepcopy__(memo)
        copy.known_labels = {}
        copy.added = []
        copy.suggestions = []
        copy.search_value = ""
        copy.pair_with = {}
        return copy

    @property
    def noun(self) -> str:
        return self.kind.removesuffix("s")

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else list(data.get(name) or [])

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # no checkbox ticked means "none", not "unchanged"

    def format_value(self, value: Any) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        return [_value_of(v) for v in value if v not in (None, "")]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        values = [v for v in context["widget"]["value"] if _TARGET_VALUE.match(v)][:20]
        values += [v for v, _ in self.added if v not in values]
        # Labels the form already knows (the saved profile's, words it resolved) need no
        # query; other values (a form sent back with errors) are looked up.
        labels = {**self.known_labels, **dict(self.added)}
        if missing := [v for v in values if v not in labels]:
            labels.update(self._labels(missing))
        chosen = [{"value": v, "label": labels[v]} for v in values if v in labels]
        context["widget"].update(
            {
                "flat_attrs": flatatt(context["widget"]["attrs"]),
                "chosen": chosen,
                "suggestions": [
                    {"value": v, "label": label} for v, label in self.suggestions if v not in values
                ],
                "search_value": self.search_value,
                "kind": self.kind,
                "noun": self.noun,
                "max": MAX_TARGETS,
                "source": reverse(f"taxonomy:{self.kind}"),
                "pair_with": self.pair_with,
            }
        )
        return context

    def _labels(self, values: list[str]) -> dict[str, str]:
        if self.labels_for is not None:
            return self.labels_for(values)
        queryset = self.choices.queryset  # type: ignore[attr-defined]
        ids = [v for v in values if v.isdigit()]
        return {str(obj.pk): getattr(obj, "label", str(obj)) for obj in queryset.filter(pk__in=ids)}

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # The project's template engine (templates/profiles/widgets/), not the
        # form renderer's, which only looks inside apps.
        return render_to_string(self.template_name, self.get_context(name, value, attrs))


_TARGET_VALUE = re.compile(r"^\d{1,18}(?:\.\d{1,18})?$")


def _value_of(item: Any) -> str:
    """A target's form value: a saved occupation target's "12.345", a place's id."""
    value = getattr(item, "value", None)
    if isinstance(value, str):
        return value
    return str(getattr(item, "pk", item))
