from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import answers
from .models import ANSWER_MESSAGE_MAX, Answer


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
    """A recruiter's answer on the packet page (the rules: ``recruiters.answers``)."""

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
        # Longer text is refused with its length by answers.clean_message (never cut).
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": ANSWER_MESSAGE_MAX}),
    )

    def clean_message(self) -> str:
        try:
            return answers.clean_message(self.cleaned_data["message"])
        except answers.AnswerRefused as refused:
            raise forms.ValidationError(str(refused)) from refused
