from django import forms

from .models import User


class NameForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("name",)
        help_texts = {"name": "How we address you in emails, and what recruiters see."}
