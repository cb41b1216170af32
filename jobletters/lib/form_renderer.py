"""Django's form renderer, with the plainest widget templates written in Python.

Every text box, number, email, URL, password, hidden field, checkbox and textarea
goes through two template renders in Django (the widget's template and
``attrs.html``), a fixed cost per field that made a long form like the profile
page spend most of its time in the template engine. For exactly those templates,
and only while they are Django's own (nothing in the project overrides them),
this renderer writes the same markup in Python: same attribute order, same
escaping (``stringformat:'s'`` then autoescape). Any other template, or an
overridden one, renders as usual. tests/core/test_form_renderer.py holds the
two to the same output.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

_WIDGETS = Path(django.forms.__file__).parent / "templates" / "django" / "forms" / "widgets"
_INPUT = "django/forms/widgets/input.html"
_TEXTAREA = "django/forms/widgets/textarea.html"
_ATTRS = "django/forms/widgets/attrs.html"
# Widget templates that are nothing but an include of input.html.
_INPUT_ALIASES = (
    "text",
    "number",
    "email",
    "url",
    "password",
    "hidden",
    "checkbox",
    "search",
    "tel",
    "color",
    "date",
    "datetime",
    "time",
)
# The sources this module reproduces; a Django release that changes them turns
# the Python path off for that template.
_EXPECTED = {
    _INPUT: '<input type="{{ widget.type }}" name="{{ widget.name }}"'
    "{% if widget.value != None %} value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
    '{% include "django/forms/widgets/attrs.html" %}>',
    _TEXTAREA: '<textarea name="{{ widget.name }}"'
    '{% include "django/forms/widgets/attrs.html" %}>\n'
    "{% if widget.value %}{{ widget.value }}{% endif %}</textarea>",
    _ATTRS: "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}"
    "{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}{% endfor %}",
}


def _text(value: Any) -> str:
    """What ``{{ value|stringformat:'s' }}`` gives: the string, escaped unless safe."""
    return conditional_escape(value if isinstance(value, SafeData) else f"{value}")


def _attrs(attrs: dict[str, Any]) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}")
        if value is not True:
            parts.append(f'="{_text(value)}"')
    return "".join(parts)


def render_input(widget: dict[str, Any]) -> str | None:
    value = widget["value"]
    shown = "" if value is None else f' value="{_text(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def render_textarea(widget: dict[str, Any]) -> str | None:
    value = widget["value"]
    if value and not isinstance(value, str):
        return None  # a number or date would be localised by the template: let it
    body = conditional_escape(value) if value else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{body}</textarea>"
    )


class FormRenderer(DjangoTemplates):
    """``FORM_RENDERER``: Django's template renderer with a Python path for plain widgets."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        writer = self._writers.get(template_name)
        if writer is not None and (html := writer(context["widget"])) is not None:
            return html
        return super().render(template_name, context, request=request)

    @cached_property
    def _writers(self) -> dict[str, Callable[[dict[str, Any]], str | None]]:
        if not all(self._is_djangos(name, source) for name, source in _EXPECTED.items()):
            return {}
        writers: dict[str, Callable[[dict[str, Any]], str | None]] = {
            _INPUT: render_input,
            _TEXTAREA: render_textarea,
        }
        include = '{% include "django/forms/widgets/input.html" %}'
        for alias in _INPUT_ALIASES:
            name = f"django/forms/widgets/{alias}.html"
            if self._is_djangos(name, include):
                writers[name] = render_input
        return writers

    def _is_djangos(self, name: str, source: str) -> bool:
        """The template the engine would use is Django's own file, with this source."""
        try:
            template = self.get_template(name)
        except Exception:
            return False
        origin = Path(template.origin.name)
        return (
            origin.parent == _WIDGETS
            and origin.read_text(encoding="utf-8").strip() == source.strip()
        )
