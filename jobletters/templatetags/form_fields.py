"""``{% form_field field %}``: one form field as ``_field.html`` renders it, written in Python.

Forms include ``_field.html`` once per field (label, control, help, errors). An
include costs a template render with its own context, a fixed cost per field that
made up much of a long form's page (the profile has about 25 fields). This tag
writes the same markup, escaped the same way; ``_field.html`` stays the reference
and tests/core/test_form_renderer.py holds the two to the same output.
"""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def form_field(field: BoundField) -> SafeString:
    e = conditional_escape
    errors = field.errors
    label_for = e(field.id_for_label)
    if field.widget_type == "checkbox":
        control = f'\n    <label for="{label_for}">{e(field)} {e(field.label)}</label>\n  '
    else:
        control = f'\n    <label for="{label_for}">{e(field.label)}</label>\n    {e(field)}\n  '
    auto_id = e(field.auto_id)
    help_html = (
        f'<div class="help" id="{auto_id}_helptext">{e(field.help_text)}</div>'
        if field.help_text
        else ""
    )
    errors_html = "".join(
        f'<small class="field-error" id="{auto_id}_error" role="alert">{e(error)}</small>'
        for error in errors
    )
    return mark_safe(  # noqa: S308  (every value above is escaped)
        f'\n<div class="field{" has-error" if errors else ""}">\n'
        f"  {control}\n  {help_html}\n  {errors_html}\n</div>\n"
    )
