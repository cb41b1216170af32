from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class NameForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("name",)
        help_texts = {"name": _("How we address you in emails, and what recruiters see.")}


class NotMeForm(forms.Form):
    end_others = forms.BooleanField(
        label=_("Also sign out every other browser, except this one"), required=False, initial=True
    )
