from __future__ import annotations

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
    without JavaScript, ``<name>_search`` is resolved by the form on save.
    """

    template_name = "profiles/widgets/targets.html"

    def __init__(self, *, kind: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.kind = kind  # "occupations" or "places"

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
        return [str(getattr(v, "pk", v)) for v in value if v not in (None, "")]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        ids = [v for v in context["widget"]["value"] if v.isdigit()][:20]
        chosen = []
        if ids:
            queryset = self.choices.queryset  # type: ignore[attr-defined]
            by_id = {str(obj.pk): obj for obj in queryset.filter(pk__in=ids)}
            chosen = [{"id": i, "label": str(by_id[i])} for i in ids if i in by_id]
        context["widget"].update(
            {
                "flat_attrs": flatatt(context["widget"]["attrs"]),
                "chosen": chosen,
                "kind": self.kind,
                "max": MAX_TARGETS,
                "source": reverse(f"taxonomy:{self.kind}"),
            }
        )
        return context

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # The project's template engine (templates/profiles/widgets/), not the
        # form renderer's, which only looks inside apps.
        return render_to_string(self.template_name, self.get_context(name, value, attrs))
