from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from taxonomy.models import parse_pair_value

from .models import MAX_KEPT_TARGETS, MAX_TARGETS


class TargetsWidget(forms.Widget):
    """Chosen targets (a job in a place each) as checkboxes, plus a search box for adding
    more: "attorney in London", "nurse Leeds", "welder, remote".

    Only the chosen targets are rendered, never the vocabulary. The search box is
    enhanced by static/js/taxonomy-autocomplete.js (markup contract at its top): a
    suggested pair is added to the list; a job alone is written in the box, for the
    place to be typed after it. Without JavaScript, ``<name>_search`` is resolved by
    the form on save: the target the words name exactly is added (``added``),
    otherwise the form asks which one is meant (``suggestions``, unticked), asks
    where, or says nothing matched.
    """

    template_name = "profiles/widgets/targets.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.known_labels: dict[str, str] = {}  # value → label, set by the form (no query)
        # value → label for values the form's data holds (a form sent back).
        self.labels_for: Callable[[list[str]], dict[str, str]] = lambda values: {}
        self.added: list[tuple[str, str]] = []  # (value, label) resolved from typed words
        self.suggestions: list[tuple[str, str]] = []  # (value, label) to choose from
        self.search_value = ""

    def __deepcopy__(self, memo: dict[int, Any]) -> TargetsWidget:
        # Each form gets its own widget (Django's copy is shallow): what one form
        # resolved or suggests must never show in another person's form.
        copy = super().__deepcopy__(memo)
        copy.known_labels = {}
        copy.added = []
        copy.suggestions = []
        copy.search_value = ""
        return copy

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else list(data.get(name) or [])

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # no checkbox ticked means "none", not "unchanged"

    def format_value(self, value: Any) -> list[str]:  # type: ignore[override]  # list, as ChoiceWidget's
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        return [_value_of(v) for v in value if v not in (None, "")]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        values = [v for v in context["widget"]["value"] if parse_pair_value(v)]
        values = list(dict.fromkeys(values))[:MAX_KEPT_TARGETS]
        values += [v for v, _ in self.added if v not in values]
        # Labels the form already knows (the saved profile's, words it resolved) need no
        # query; other values (a form sent back with errors) are looked up.
        labels = {**self.known_labels, **dict(self.added)}
        if missing := [v for v in values if v not in labels]:
            labels.update(self.labels_for(missing))
        chosen = [{"value": v, "label": labels[v]} for v in values if v in labels]
        context["widget"].update(
            {
                "flat_attrs": flatatt(context["widget"]["attrs"]),
                "chosen": chosen,
                "suggestions": [
                    {"value": v, "label": label} for v, label in self.suggestions if v not in values
                ],
                "search_value": self.search_value,
                "max": MAX_TARGETS,
                "source": reverse("taxonomy:occupations"),
            }
        )
        return context

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # The project's template engine (templates/profiles/widgets/), not the
        # form renderer's, which only looks inside apps.
        return render_to_string(self.template_name, self.get_context(name, value, attrs))


def _value_of(item: Any) -> str:
    """A target's form value: a saved target's "12.345@678", or the value itself."""
    value = getattr(item, "value", None)
    return value if isinstance(value, str) else str(item)
