from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jobletters.lib.text import TextField

from . import spam
from .models import Inquiry, InquiryMessage


class InquiryForm(forms.ModelForm):
    """The contact form. Visitors give an email address to answer; people signed in don't."""

    body = TextField(
        label=_("Your message"),
        max_length=InquiryMessage._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    # The honeypot: hidden from people by CSS (support.css), filled by bots.
    leave_empty = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Inquiry
        fields = ("name", "email", "subject")
        labels = {"name": _("Your name (optional)"), "email": _("Your email address")}
        help_texts = {"email": _("We answer to this address.")}
        field_classes = {"subject": TextField}

    def __init__(self, *args: Any, visitor: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not visitor:
            del self.fields["name"]
            del self.fields["email"]
        else:
            self.fields["email"].required = True
        self.fields["subject"].label = _("Subject")

    def clean(self) -> dict[str, Any]:
        super().clean()
        # The signed token the page carried (support/contact.html: a fresh one each time
        # the form is shown, with or without errors).
        spam.check_form_token(self.data.get(spam.TOKEN_FIELD, ""))
        return self.cleaned_data

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get(spam.HONEYPOT_FIELD))


class ReplyForm(forms.Form):
    body = TextField(
        label=_("Your reply"),
        max_length=InquiryMessage._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
