from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django import forms
from django.utils.translation import gettext_lazy as _


class ConfirmDeletionForm(forms.Form):
    """Deleting an account needs the password, and the second factor when it is on."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Code from your authenticator app (or a recovery code)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.authenticators = list(
            Authenticator.objects.filter(
                user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
            )
        )
        if not self.authenticators:
            del self.fields["code"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data.get("code", "").split())
        if not code:
            raise forms.ValidationError(_("Enter a code from your authenticator app."))
        if not any(a.wrap().validate_code(code) for a in self.authenticators):
            raise forms.ValidationError(_("That code is not right. Try the current one."))
        return code


class SubscribeForm(forms.Form):
    """A visitor's address for emails about changes to our processors (confirmed by a link)."""

    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
