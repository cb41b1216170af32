"""The widget templates in templates/django/forms/widgets/ are Django's own with their
includes written out (fewer templates per field): the markup must stay Django's."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer

ATTRS = {"id": "id_x", "class": "a&b", "required": True, "disabled": False, "data-n": 3}
CHOICES = [("", "—"), ("a", "Alpha"), ("Group", [("b", "Beta <b>"), ("c", "Gamma")])]

WIDGETS = [
    (forms.TextInput(attrs=ATTRS), "Ann & <Bob>"),
    (forms.TextInput(), None),
    (forms.EmailInput(attrs=ATTRS), "a@example.com"),
    (forms.NumberInput(attrs={"min": 0}), 7),
    (forms.CheckboxInput(attrs=ATTRS), True),
    (forms.CheckboxInput(), False),
    (forms.Textarea(attrs={"rows": 5}), "Two\nlines & <tags>"),
    (forms.Textarea(), ""),
    (forms.Select(attrs=ATTRS, choices=CHOICES), "b"),
    (forms.SelectMultiple(choices=CHOICES), ["a", "c"]),
]


@pytest.mark.parametrize(("widget", "value"), WIDGETS, ids=lambda w: type(w).__name__)
def test_widget_markup_is_djangos(widget: forms.Widget, value: object) -> None:
    ours = widget.render("x", value, renderer=get_default_renderer())
    djangos = widget.render("x", value, renderer=DjangoTemplates())
    assert ours == djangos


def test_the_overrides_are_the_templates_in_use() -> None:
    template = get_default_renderer().get_template("django/forms/widgets/text.html")
    assert "templates/django/forms/widgets/text.html" in str(template.origin.name)
