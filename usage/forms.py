"""The sign-up form's extra part: the site that linked to it (allauth's
``ACCOUNT_SIGNUP_FORM_CLASS``). The host is read from the page request's
``Referer`` and carried in a hidden field, so nothing is stored on the visitor's
device and no session is needed before the account exists."""

from __future__ import annotations

from typing import Any

from allauth.core import context as allauth_context
from django import forms
from django.http import HttpRequest

from .services import external_referrer_host, record_signup_source


class SignupSourceForm(forms.Form):
    came_from = forms.CharField(required=False, max_length=253, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            request = getattr(allauth_context, "request", None)
            self.initial["came_from"] = external_referrer_host(request)

    def signup(self, request: HttpRequest, user: Any) -> None:
        record_signup_source(
            request=request, person=user, host=self.cleaned_data.get("came_from", "")
        )
