"""Forms collect what people type; community.services enforces the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from jobletters.lib.text import TextField
from taxonomy import search
from taxonomy.models import Place

from .models import MAX_COMMENT_CHARS, MAX_THREAD_CHARS, MAX_TITLE_CHARS, Report

_MARKUP_HELP = _(
    "Leave a blank line between paragraphs. You may use <strong>, <em>, lists, quotes "
    "and links; anything else is removed. Everyone can read what you write here."
)


def resolve_place(place_id: str, typed: str) -> Place | None:
    """The place chosen in the combobox (its id), else the best match for the words typed
    (without JavaScript), else none. Raises ValidationError when the words match nothing."""
    typed = " ".join((typed or "").split())
    if not typed:
        return None
    if place_id.isdigit():
        chosen = Place.objects.filter(pk=int(place_id)).first()
        if chosen is not None:
            return chosen
    try:
        results = search.search_places(typed, limit=1)
    except search.BadQuery as error:
        raise ValidationError(str(error)) from None
    match = Place.objects.filter(pk=results[0].id).first() if results else None
    if match is None:
        raise ValidationError(_("We found no place matching “%(typed)s”.") % {"typed": typed})
    return match


class PlaceFields(forms.Form):
    """A place tag: a search box made a combobox by taxonomy-autocomplete.js, and the id."""

    place = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"id": "id_place"}))
    place_search = forms.CharField(
        label=_("Place (optional)"),
        required=False,
        max_length=200,
        help_text=_("A city or country this is about, e.g. “Leeds” or “Germany”."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "data-autocomplete-url": reverse_lazy("taxonomy:places"),
                "data-autocomplete-value": "id_place",
                "placeholder": _("Type a city or country"),
            }
        ),
    )

    def __init__(self, *args: Any, initial_place: Place | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if initial_place is not None and not self.is_bound:
            self.initial["place"] = str(initial_place.pk)
            self.initial["place_search"] = initial_place.label

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        try:
            cleaned["place_obj"] = resolve_place(
                cleaned.get("place") or "", cleaned.get("place_search") or ""
            )
        except ValidationError as error:
            self.add_error("place_search", error)
        return cleaned


class ThreadForm(PlaceFields):
    title = TextField(label=_("Title"), max_length=MAX_TITLE_CHARS)
    body = TextField(
        label=_("What would you like to discuss?"),
        max_length=MAX_THREAD_CHARS * 2,  # markup counts towards this, not the shown limit
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_MARKUP_HELP,
    )

    field_order = ("title", "body", "place_search", "place")


class CommentForm(forms.Form):
    body = TextField(
        label=_("Your comment"),
        max_length=MAX_COMMENT_CHARS * 2,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_MARKUP_HELP,
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with it?"), choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    note = TextField(
        label=_("Anything to add (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PlaceFilterForm(PlaceFields):
    """The list's filter: the same combobox, sent by GET."""
