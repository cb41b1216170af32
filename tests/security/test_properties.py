"""Any input at all: every form and every public endpoint answers it plainly.

Arbitrary text (control, format, private-use and surrogate-free odd characters, line
breaks), very long values, several values for one field and wrong types: a form says
what is wrong or cleans the value, never raises; what it accepts from a one-line field
is one line with no invisible characters; a public address answers below 500.
"""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import quote

import pytest
from django import forms
from django.test import Client
from django.urls import get_resolver
from django.utils.datastructures import MultiValueDict
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.allauth_forms import ChangePasswordForm, LoginForm, ResetPasswordKeyForm
from accounts.forms import NameForm, NotMeForm
from accounts.verify import ResendForm
from communications.categories import OPTIONAL
from communications.forms import PreferencesForm
from community.forms import CommentForm, PlaceFields, PlaceFilterForm, ReportForm, ThreadForm
from privacy.forms import ConfirmDeletionForm, SubscribeForm
from profiles.cv_forms import CVUploadForm
from profiles.forms import JobLetterForm, ProfileForm
from recruiters.forms import AnswerForm, SendForm
from support.forms import InquiryForm, ReplyForm
from usage.forms import SignupSourceForm

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

APPS = ("accounts", "communications", "community", "privacy", "profiles", "recruiters",
        "support", "usage", "billing", "taxonomy", "jobletters")  # fmt: skip

# Every form people fill in, with what it needs to be made. (Staff's admin forms are
# Django's ModelForms over the same model fields.)
FORMS: dict[type[forms.BaseForm], Any] = {
    ResendForm: lambda user: {},
    NameForm: lambda user: {"instance": user},
    NotMeForm: lambda user: {},
    PreferencesForm: lambda user: {"current": dict.fromkeys(OPTIONAL, True)},
    PlaceFields: lambda user: {},
    ThreadForm: lambda user: {},
    CommentForm: lambda user: {},
    ReportForm: lambda user: {},
    PlaceFilterForm: lambda user: {},
    ConfirmDeletionForm: lambda user: {"user": user},
    SubscribeForm: lambda user: {},
    CVUploadForm: lambda user: {"owner": user},
    ProfileForm: lambda user: {"user": user},
    JobLetterForm: lambda user: {},
    SendForm: lambda user: {},
    AnswerForm: lambda user: {},
    InquiryForm: lambda user: {"visitor": True},
    ReplyForm: lambda user: {},
    SignupSourceForm: lambda user: {},
}

# Forms of passwords only (checked, hashed, never kept as text): signing in, resetting
# and changing a password go through their addresses below, where they are public.
PASSWORDS_ONLY = {LoginForm, ChangePasswordForm, ResetPasswordKeyForm}

# Fields whose value is used, never kept as typed (so any text is only an error or nothing).
NOT_KEPT = {
    "password": "checked, never kept",
    "code": "a two-factor code, checked",
    "place": "the id of a place, looked up",
    "place_search": "words to look a place up with",
    "digest": "compared with the send's plan",
    "leave_empty": "the honeypot: filled in, the message is a bot's",
    "came_from": "a host usage.services.clean_host checks again before keeping it",
}

# Text of every kind: letters, controls (C0, C1, DEL), format characters (bidi
# overrides, zero-width), private use, line and paragraph separators, markup.
ODD = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("\x00\x01\x1b\x7f\x85\u200b\u202e\u2028\u2029\ue000\U000f0000\r\n\t"),
        st.sampled_from("<>&\"'`{}%"),
    ),
    max_size=80,
)
VALUE = st.one_of(
    ODD,
    ODD.map(lambda text: text * 200),  # very long
    st.integers().map(str),
    st.sampled_from(["on", "true", "0", "-1", "1e309", "nan", "", " "]),
)
VALUES = st.lists(VALUE, min_size=1, max_size=3)  # one field posted several times


def _project_forms() -> set[type[forms.BaseForm]]:
    assert get_resolver().url_patterns  # every view, so every form, is imported
    found, todo = set(), [forms.Form, forms.ModelForm]
    while todo:
        for cls in todo.pop().__subclasses__():
            todo.append(cls)
            module = cls.__module__
            if module.split(".")[0] in APPS and ".admin" not in module:
                found.add(cls)
    return found


def test_every_form_is_in_the_table():
    known = set(FORMS) | PASSWORDS_ONLY
    missing = sorted(f"{f.__module__}.{f.__qualname__}" for f in _project_forms() - known)
    assert not missing, f"add these forms to FORMS in tests/security/test_properties.py: {missing}"


def _invisible(value: str, *, lines: bool) -> list[str]:
    """Controls, format, private-use, unassigned characters and line separators."""
    allowed = {"\n", "\r", "\t"} if lines else set()
    return [
        f"U+{ord(ch):04X}"
        for ch in value
        if ch not in allowed and unicodedata.category(ch) in _INVISIBLE
    ]


_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}


@pytest.mark.parametrize("form_class", list(FORMS), ids=lambda f: f.__name__)
@given(data=st.data())
def test_a_form_answers_any_input_and_keeps_only_clean_text(form_class, data, db):
    user = UserFactory.build(pk=1, email="prop@example.com", name="Pat Prop")
    form = form_class(**FORMS[form_class](user))
    posted = MultiValueDict(
        {name: data.draw(VALUES, label=name) for name in [*form.fields, "unexpected"]}
    )
    bound = form_class(posted, files={}, **FORMS[form_class](user))
    if not bound.is_valid():
        assert bound.errors  # said, next to a field
        return
    for name, value in bound.cleaned_data.items():
        if not isinstance(value, str) or name in NOT_KEPT:
            continue
        field = bound.fields[name]
        several_lines = isinstance(field.widget, forms.Textarea)
        found = _invisible(value, lines=several_lines)
        assert not found, f"{name} kept {found}"
        if not several_lines:
            assert "\n" not in value and "\r" not in value, name


PUBLIC_GETS = [
    "/taxonomy/occupations/?q={}",
    "/taxonomy/places/?q={}&country={}&kind={}",
    "/recruiters/coverage/?occupation={}&place={}",
    "/community/?place={}&place_search={}&page={}",
    "/privacy/versions/{}/{}/",
    "/jsi18n/{}/",
    "/p/{}/",
    "/p/{}/answer/",
    "/recruiters/opt-out/{}/",
    "/email/unsubscribe/{}/",
    "/privacy/subprocessors/confirm/{}/",
    "/accounts/confirm-email/{}/",
]
PUBLIC_POSTS = [
    "/support/",
    "/privacy/subprocessors/subscribe/",
    "/accounts/signup/",
    "/accounts/login/",
    "/accounts/password/reset/",
    "/accounts/language/",
]


def _path_part(text: str) -> str:
    return quote(text, safe="")


# Each example makes 18 requests: fewer examples than the profile's keep it to seconds.
@settings(max_examples=10)
@given(data=st.data())
def test_public_addresses_answer_any_input_below_500(data, db):
    client = Client(raise_request_exception=False)
    for template in PUBLIC_GETS:
        parts = [_path_part(data.draw(VALUE)) for _ in range(template.count("{}"))]
        response = client.get(template.format(*parts))
        assert response.status_code < 500, (template, parts, response.status_code)
    for url in PUBLIC_POSTS:
        names = ["email", "password", "password1", "password2", "name", "subject", "body",
                 "language", "next", "login", "remember", "shown", "came_from"]  # fmt: skip
        posted = {name: data.draw(VALUES) for name in names}
        response = client.post(url, posted)
        assert response.status_code < 500, (url, posted, response.status_code)
