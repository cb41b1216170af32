from __future__ import annotations

import unicodedata

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import sending
from .models import ANSWER_MESSAGE_MAX, Answer, Recruiter


class SendForm(forms.Form):
    """The consent box and the fingerprint of what the seeker read (recipients are the
    ``r`` values, read by ``sending.parse_ids``)."""

    consent = forms.BooleanField(
        required=True,
        error_messages={"required": gettext_lazy("Tick the box to agree before we send anything.")},
    )
    digest = forms.CharField(min_length=64, max_length=64)

    def clean_digest(self) -> str:
        digest = self.cleaned_data["digest"]
        if any(c not in "0123456789abcdef" for c in digest):
            raise forms.ValidationError(_("This form is damaged; please open it again."))
        return digest


class AnswerForm(forms.Form):
    """A recruiter's answer on the packet page (the rules: ``recruiters.sending``)."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Your answer"),
        choices=Answer.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose one of the answers.")},
    )
    message = forms.CharField(
        label=gettext_lazy("A short message to the candidate (optional, plain text)"),
        required=False,
        strip=False,
        # Longer text is refused with its length by sending.clean_message (never cut).
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": ANSWER_MESSAGE_MAX}),
    )

    def clean_message(self) -> str:
        try:
            return sending.clean_message(self.cleaned_data["message"])
        except sending.AnswerRefused as refused:
            raise forms.ValidationError(str(refused)) from refused


def _one_line(value: str) -> str:
    """Letters, marks, digits, punctuation, symbols and spaces only (no line breaks,
    control or invisible characters)."""
    for char in value:
        if char != " " and unicodedata.category(char)[0] not in "LMNPS":
            raise forms.ValidationError(
                _("This contains a character that cannot be shown (U+%(code)04X).")
                % {"code": ord(char)}
            )
    return value.strip()


class RecruiterDetailsForm(forms.ModelForm):
    """What a recruiter may correct about themselves on their own page."""

    website = forms.URLField(
        label=gettext_lazy("Website"), required=False, max_length=300, assume_scheme="https"
    )

    class Meta:
        model = Recruiter
        fields = ("name", "agency", "website")
        labels = {"name": gettext_lazy("Your name"), "agency": gettext_lazy("Agency")}

    def clean_name(self) -> str:
        return _one_line(self.cleaned_data["name"])

    def clean_agency(self) -> str:
        return _one_line(self.cleaned_data["agency"])
