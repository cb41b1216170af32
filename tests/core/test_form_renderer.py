"""The form renderer writes plain widgets in Python exactly as Django's templates do."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from jobletters.lib import form_renderer
from jobletters.lib.form_renderer import FormRenderer

PYTHON = FormRenderer()
TEMPLATES = DjangoTemplates()

WIDGETS = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.HiddenInput,
    forms.CheckboxInput,
    forms.Textarea,
    forms.DateInput,
    forms.TimeInput,
    forms.DateTimeInput,
    lambda attrs=None: forms.PasswordInput(attrs=attrs, render_value=True),
    lambda attrs=None: forms.TextInput(attrs={**(attrs or {}), "type": "tel"}),
]

# Awkward text: quotes, ampersands, angle brackets, non-ASCII, already-escaped entities.
awkward = st.lists(st.sampled_from([*"aZ09 -_\"'<>&;/=é\u2028\n", "&amp;", "<b>"]), max_size=8).map(
    "".join
)
attr_values = st.one_of(
    st.booleans(), st.integers(-5, 5), awkward, awkward.map(mark_safe), st.none()
)
attr_names = st.sampled_from(
    ["id", "class", "placeholder", "aria-describedby", "aria-invalid", "required", "rows",
     "autocomplete", "data-x", "min", "maxlength", "disabled"]
)  # fmt: skip
values = st.one_of(st.none(), st.just(""), awkward, awkward.map(mark_safe), st.integers(0, 99))


def test_the_python_path_is_on_for_djangos_own_templates():
    assert "django/forms/widgets/text.html" in PYTHON._writers
    assert "django/forms/widgets/textarea.html" in PYTHON._writers
    assert "django/forms/widgets/select.html" not in PYTHON._writers


@settings(max_examples=300, deadline=None)
@given(
    widget=st.sampled_from(WIDGETS),
    name=st.sampled_from(["name", "phone", "a&b", 'q"x']),
    value=values,
    attrs=st.dictionaries(attr_names, attr_values, max_size=5),
)
def test_same_markup_as_djangos_templates(widget, name, value, attrs):
    built = widget()
    expected = built.render(name, value, attrs=attrs, renderer=TEMPLATES)
    assert built.render(name, value, attrs=attrs, renderer=PYTHON) == expected


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (forms.CharField(), 'Ann "the <b>best</b>" & co'),
        (forms.IntegerField(min_value=0), 7),
        (forms.BooleanField(required=False), True),
        (forms.BooleanField(required=False), False),
        (forms.CharField(widget=forms.Textarea), "line one\nline <two>"),
        (forms.URLField(assume_scheme="https"), "https://example.com/?a=1&b=2"),
    ],
)
def test_bound_fields_render_the_same(field, value):
    class Form(forms.Form):
        x = field

    for data in ({"x": value}, {"x": ""}):
        python_form = Form(data, renderer=PYTHON)
        template_form = Form(data, renderer=TEMPLATES)
        python_form.is_valid()
        template_form.is_valid()
        assert str(python_form["x"]) == str(template_form["x"])
    assert str(Form(initial={"x": value}, renderer=PYTHON)["x"]) == str(
        Form(initial={"x": value}, renderer=TEMPLATES)["x"]
    )


def test_a_changed_django_template_turns_the_python_path_off(monkeypatch):
    monkeypatch.setitem(form_renderer._EXPECTED, form_renderer._ATTRS, "something else")
    renderer = FormRenderer()
    assert renderer._writers == {}
    html = forms.TextInput().render("x", "y", renderer=renderer)
    assert html == '<input type="text" name="x" value="y">'


def test_the_site_uses_it(settings):
    assert settings.FORM_RENDERER == "jobletters.lib.form_renderer.FormRenderer"


# --- One form field: {% form_field %} against _field.html ---------------------------------


class _Awkward(forms.Form):
    text = forms.CharField()
    agree = forms.BooleanField(required=False)
    notes = forms.CharField(widget=forms.Textarea, required=False)
    colour = forms.ChoiceField(choices=[("r", "Red"), ("g", "Green")], widget=forms.RadioSelect)
    many = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple, required=False
    )


def _field_both_ways(field) -> tuple[str, str]:
    from django.template import Context, Template
    from django.template.loader import render_to_string

    reference = render_to_string("_field.html", {"field": field})
    tag = Template("{% load form_fields %}{% form_field field %}").render(Context({"field": field}))
    return tag, reference


@settings(max_examples=150, deadline=None)
@given(
    label=awkward,
    help_text=st.one_of(awkward, awkward.map(mark_safe)),
    error=awkward,
    bound=st.booleans(),
    auto_id=st.sampled_from(["id_%s", "", "x-%s"]),
)
def test_the_field_tag_writes_what_the_field_template_writes(
    label, help_text, error, bound, auto_id
):
    form = _Awkward({"text": "", "agree": "on"} if bound else None, auto_id=auto_id)
    for name in form.fields:
        form.fields[name].label = label
        form.fields[name].help_text = help_text
    if bound:
        form.is_valid()
        form.add_error("notes", error or "Wrong.")
    for field in form:
        tag, reference = _field_both_ways(field)
        assert tag == reference, field.name


@pytest.mark.django_db
def test_the_site_forms_render_each_field_as_the_field_template_does(seeker):
    from allauth.account.forms import LoginForm

    from profiles.forms import JobLetterForm, ProfileForm
    from support.forms import InquiryForm

    forms_to_check = [
        ProfileForm(user=seeker),
        ProfileForm({"name": "", "country": "<script>"}, user=seeker),
        JobLetterForm(),
        InquiryForm(visitor=True),
        InquiryForm({"subject": "<b>"}, visitor=False),
        LoginForm(),
    ]
    for form in forms_to_check:
        form.is_bound and form.is_valid()
        for field in form:
            tag, reference = _field_both_ways(field)
            assert tag == reference, (type(form).__name__, field.name)
