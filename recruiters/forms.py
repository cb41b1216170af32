from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


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
