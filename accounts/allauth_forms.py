"""allauth's forms with labels in our voice: sentence case ("Current password", not
"Current Password"), named in ``ACCOUNT_FORMS``. Only the labels change."""

from __future__ import annotations

from typing import Any

from allauth.account import forms as allauth_forms
from django.utils.translation import gettext_lazy as _


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:
            self.fields["remember"].label = _("Remember me on this browser")


def _new_password_labels(form: Any) -> None:
    # The placeholders say the same as the labels (allauth's own are longer in French
    # and were cut on a phone).
    for name, label in (("password1", _("New password")), ("password2", _("New password (again)"))):
        form.fields[name].label = label
        form.fields[name].widget.attrs["placeholder"] = label


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["oldpassword"].label = _("Current password")
        _new_password_labels(self)


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _new_password_labels(self)
