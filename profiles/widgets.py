from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

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
        self.known_labels: dict[str, str] = {}  # id → label, set by the form (no query)

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
        # Labels the form already knows (the saved profile's) need no query; other
        # ids (a form sent back with errors) are looked up.
        labels = dict(self.known_labels)
        if missing := [i for i in ids if i not in labels]:
            queryset = self.choices.queryset  # type: ignore[attr-defined]
            labels.update({str(obj.pk): str(obj) for obj in queryset.filter(pk__in=missing)})
        chosen = [{"id": i, "label": labels[i]} for i in ids if i in labels]
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


# (name, language) -> [(value, or None for a group tag; markup before " selected"; after)]
_STATIC_OPTIONS: dict[tuple[str, str], list[tuple[str | None, str, str]]] = {}


class LongSelect(forms.Select):
    """A ``<select>`` whose options are written in Python, not through a template each.

    Django's Select renders every ``<option>`` through two template includes
    (the option and its attributes): for the ~250 countries that was most of the
    profile page's time. The markup is the same as Django's (attributes built
    by ``build_attrs``, so ``id``, ``required``, ``aria-describedby`` and
    ``aria-invalid`` still come from the bound field), every value and label
    escaped. With ``static_choices="name"`` (choices that only change with the
    code and the language, like the country list) the escaped options are also
    kept per process and language.
    """

    def __init__(
        self, attrs: dict[str, Any] | None = None, choices: Any = (), *, static_choices: str = ""
    ) -> None:
        super().__init__(attrs, choices)
        self.static_choices = static_choices

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        chosen = set(self.format_value(value))
        parts = [f'<select name="{escape(name)}"{flatatt(final_attrs)}>']
        for text, before, after in self._options():
            if text is not None and text in chosen:
                parts.append(f"{before} selected{after}")
                if not self.allow_multiple_selected:
                    chosen.clear()  # like Django: only the first match of a single select
            else:
                parts.append(f"{before}{after}")
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308  (every part is escaped)

    def _options(self) -> list[tuple[str | None, str, str]]:
        key = (self.static_choices, get_language() or "")
        if self.static_choices and (options := _STATIC_OPTIONS.get(key)) is not None:
            return options
        options: list[tuple[str | None, str, str]] = []
        for group_value, group_label in self.choices:
            if isinstance(group_label, list | tuple):
                options.append((None, f'<optgroup label="{escape(group_value)}">', ""))
                options.extend(self._option(v, label) for v, label in group_label)
                options.append((None, "</optgroup>", ""))
            else:
                options.append(self._option(group_value, group_label))
        if self.static_choices:
            _STATIC_OPTIONS[key] = options
        return options

    @staticmethod
    def _option(value: Any, label: Any) -> tuple[str, str, str]:
        text = "" if value is None else str(value)
        return text, f'<option value="{escape(text)}"', f">{escape(label)}</option>"
