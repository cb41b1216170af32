from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from accounts.models import User
from taxonomy import search
from taxonomy.models import Occupation, OccupationTitle, Place, parse_target_value, titled
from taxonomy.text import normalise

from .letters import MAX_LETTER_CHARS
from .models import MAX_TARGETS, Profile
from .widgets import TargetsWidget, _value_of

CONTACT_FIELDS = ("address_line1", "address_line2", "city", "postal_code", "country", "phone")
PROFESSIONAL_FIELDS = (
    "headline",
    "summary",
    "years_of_experience",
    "seniority",
    "skills",
    "languages",
    "linkedin_url",
    "open_to_recruiters",
)

_LINKEDIN_HOST = re.compile(r"^(?:(?:www|[a-z]{2})\.)?linkedin\.com$")
_LINKEDIN_PATH = re.compile(r"^/in/([\w%-]{3,100})/?$")


def normalise_linkedin_url(value: str) -> str:
    """``https://www.linkedin.com/in/<name>/`` or a ValidationError: personal profiles only.

    The scheme may be left out ("linkedin.com/in/jane"); the host must still be LinkedIn's."""
    error = ValidationError(
        _(
            "Enter the address of your LinkedIn profile, like https://www.linkedin.com/in/your-name/."
        ),
        code="linkedin",
    )
    value = value.strip()
    if value.startswith("//"):
        value = "https:" + value
    elif "://" not in value:
        # "linkedin.com/in/jane" or "www.linkedin.com/in/jane": what people copy from the
        # address bar or their profile's contact info, without the scheme.
        value = "https://" + value
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        raise error from None
    host = (parts.hostname or "").lower()
    if (
        parts.scheme not in ("http", "https")
        or port is not None
        or parts.username
        or parts.password
        or not _LINKEDIN_HOST.match(host)
    ):
        raise error
    match = _LINKEDIN_PATH.match(parts.path)
    if not match:
        raise error
    return f"https://www.linkedin.com/in/{match.group(1)}/"


# Messages per list (skills, languages) and per kind of target (occupations, places).
_TOO_LONG = {
    "skill": gettext_lazy("Keep each skill under %(max)d characters."),
    "language": gettext_lazy("Keep each language under %(max)d characters."),
}
_TOO_MANY_ITEMS = {
    "skill": gettext_lazy("List at most %(max)d skills."),
    "language": gettext_lazy("List at most %(max)d languages."),
}
_TOO_MANY_TARGETS = {
    "occupation": gettext_lazy("Choose at most %(max)d occupations."),
    "place": gettext_lazy("Choose at most %(max)d places."),
}
_NOT_FOUND = {
    "occupation": gettext_lazy("We found no occupation matching “%(text)s”. Try other words."),
    "place": gettext_lazy("We found no place matching “%(text)s”. Try other words."),
}
_AMBIGUOUS = {
    "occupation": gettext_lazy(
        "We did not add “%(text)s”: more than one occupation could be meant. "
        "Tick the one you mean below, or type other words."
    ),
    "place": gettext_lazy(
        "We did not add “%(text)s”: more than one place could be meant. "
        "Tick the one you mean below, or type other words."
    ),
}


def _split_list(value: str, *, max_items: int, max_length: int, label: str) -> list[str]:
    items: list[str] = []
    seen: set[str] = set()
    for raw in re.split(r"[,;\n]", value or ""):
        item = " ".join(raw.split())
        if not item or item.casefold() in seen:
            continue
        if len(item) > max_length:
            raise ValidationError(_TOO_LONG[label] % {"max": max_length})
        seen.add(item.casefold())
        items.append(item)
    if len(items) > max_items:
        raise ValidationError(_TOO_MANY_ITEMS[label] % {"max": max_items})
    return items


def _named(name: str, language: str) -> str:
    return str(countries.by_name(name, language=language.split("-")[0]))


class CountryNameField(forms.CharField):
    """A country typed by its name and kept as its ISO code.

    The ~250 countries are not written into the page: the box suggests them as
    you type, from the places vocabulary (static/js/taxonomy-autocomplete.js),
    and the name typed or chosen is looked up here, in English or the page's
    language ("Germany", "Allemagne", "UK", "DE").
    """

    def __init__(self, **kwargs: Any) -> None:
        attrs = {
            "autocomplete": "country-name",
            "data-autocomplete-url": reverse_lazy("taxonomy:places"),
            "data-autocomplete-params": "kind=country",
            "data-autocomplete-min": "1",
        }
        super().__init__(max_length=100, widget=forms.TextInput(attrs=attrs), **kwargs)

    def prepare_value(self, value: Any) -> str:
        code = str(value or "")
        return str(countries.name(code) or code) if code in countries else code

    def to_python(self, value: Any) -> str:
        text = " ".join(str(value or "").split())
        if not text:
            return ""
        code = (text.upper() if text.upper() in countries else "") or next(
            (code for language, _ in settings.LANGUAGES if (code := _named(text, language))),
            search.COUNTRY_ALIASES.get(normalise(text), ""),
        )
        if not code:
            raise ValidationError(
                _("We know no country called “%(text)s”. Type its name, like France.")
                % {"text": text},
                code="country",
            )
        return str(code)


class TargetChoiceField(forms.ModelMultipleChoiceField):
    """Up to MAX_TARGETS taxonomy entries, checked before any query runs."""

    def __init__(self, *args: Any, noun: str, **kwargs: Any) -> None:
        self.noun = noun
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> Any:
        if value and len(value) > MAX_TARGETS:
            raise ValidationError(_TOO_MANY_TARGETS[self.noun] % {"max": MAX_TARGETS}, code="max")
        return super().clean(value)


class OccupationTargetField(TargetChoiceField):
    """Occupations, each with the title the seeker chose: values "12" (the group's own
    name) or "12.345" (occupation 12 as its title 345). Cleans to (occupation, title
    or None) pairs."""

    def prepare_value(self, value: Any) -> Any:
        # Saved targets are shown as the value their checkbox posts ("12.345").
        if isinstance(value, list | tuple):
            return [_value_of(v) for v in value]
        return super().prepare_value(value)

    def clean(self, value: Any) -> list[tuple[Occupation, OccupationTitle | None]]:
        values = [str(v) for v in value or []]
        if len(values) > MAX_TARGETS:
            raise ValidationError(_TOO_MANY_TARGETS[self.noun] % {"max": MAX_TARGETS}, code="max")
        parsed = []
        for raw in values:
            pair = parse_target_value(raw)
            if pair is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": raw},
                )
            parsed.append(pair)
        occupations = {o.pk: o for o in super().clean([str(o) for o, _ in parsed])}
        title_ids = [t for _, t in parsed if t is not None]
        titles = OccupationTitle.objects.in_bulk(title_ids) if title_ids else {}
        chosen: dict[int, tuple[Occupation, OccupationTitle | None]] = {}
        for occupation_id, title_id in parsed:
            title = titles.get(title_id) if title_id is not None else None
            if title_id is not None and (title is None or title.occupation_id != occupation_id):
                raise ValidationError(
                    _(
                        "Select a valid choice: that job title is not one we know any more. "
                        "Type it again to choose it."
                    ),
                    code="invalid_choice",
                )
            chosen.setdefault(occupation_id, (occupations[occupation_id], title))
        return list(chosen.values())


def occupation_labels(values: list[str]) -> dict[str, str]:
    """ "Solicitor (Lawyers)" per posted value, in two queries (for a form sent back)."""
    parsed = {v: p for v in values if (p := parse_target_value(v))}
    names = dict(
        Occupation.objects.filter(pk__in={o for o, _ in parsed.values()}).values_list("pk", "title")
    )
    title_ids = {t for _, t in parsed.values() if t is not None}
    titles = {
        pk: (occupation_id, title)
        for pk, occupation_id, title in OccupationTitle.objects.filter(
            pk__in=title_ids
        ).values_list("pk", "occupation_id", "title")
    }
    labels = {}
    for value, (occupation_id, title_id) in parsed.items():
        if occupation_id not in names:
            continue
        occupation_of_title, title = titles.get(title_id, (None, ""))
        if title_id is not None and occupation_of_title != occupation_id:
            continue
        labels[value] = titled(names[occupation_id], title)
    return labels


class ProfileForm(forms.Form):
    # The account's own field, so the name is cleaned by the one rule (accounts.names).
    name = User._meta.get_field("name").formfield(
        label=gettext_lazy("Full name"),
        required=True,
        help_text=gettext_lazy("As recruiters will see it on your letter."),
    )

    address_line1 = forms.CharField(
        label=gettext_lazy("Address line 1"), max_length=200, required=False
    )
    address_line2 = forms.CharField(
        label=gettext_lazy("Address line 2"), max_length=200, required=False
    )
    city = forms.CharField(label=gettext_lazy("Town or city"), max_length=100, required=False)
    postal_code = forms.CharField(label=gettext_lazy("Postal code"), max_length=20, required=False)
    country = CountryNameField(label=gettext_lazy("Country"), required=False)
    phone = forms.CharField(
        label=gettext_lazy("Phone number"),
        max_length=40,
        required=False,
        help_text=gettext_lazy(
            "With the country code (e.g. +44 20 7946 0958), or a local number "
            "if you chose your country above."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    headline = forms.CharField(
        label=gettext_lazy("Headline"),
        max_length=120,
        required=False,
        help_text=gettext_lazy(
            'One line recruiters read first, e.g. "Commercial lawyer, 8 years in M&A".'
        ),
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("A few sentences about your experience and what you do best."),
    )
    years_of_experience = forms.IntegerField(
        label=gettext_lazy("Years of experience"), min_value=0, max_value=70, required=False
    )
    seniority = forms.ChoiceField(
        label=gettext_lazy("Seniority"),
        choices=[("", "—"), *Profile.Seniority.choices],
        required=False,
    )
    skills = forms.CharField(
        label=gettext_lazy("Skills"),
        max_length=2000,
        required=False,
        help_text=gettext_lazy("Separated by commas, e.g. contract law, GDPR."),
    )
    languages = forms.CharField(
        label=gettext_lazy("Languages"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Separated by commas, e.g. English, French."),
    )
    target_occupations = OccupationTargetField(
        label=gettext_lazy("Occupations you are looking for"),
        noun="occupation",
        queryset=Occupation.objects.all(),
        required=False,
        widget=TargetsWidget(kind="occupations"),
        help_text=format_lazy(
            gettext_lazy(
                "Up to {max}. Type a job title, e.g. attorney, nurse, welder, "
                "or a job title and a place, e.g. attorney in London."
            ),
            max=MAX_TARGETS,
        ),
    )
    target_places = TargetChoiceField(
        label=gettext_lazy("Where you want to work"),
        noun="place",
        queryset=Place.objects.all(),
        required=False,
        widget=TargetsWidget(kind="places"),
        help_text=format_lazy(
            gettext_lazy("Up to {max} cities or countries, or Remote."), max=MAX_TARGETS
        ),
    )
    linkedin_url = forms.CharField(
        label=gettext_lazy("LinkedIn profile"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Optional, e.g. linkedin.com/in/your-name"),
        # Text, not type="url": browsers refuse an address without "https://" there.
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}),
    )
    open_to_recruiters = forms.BooleanField(
        label=gettext_lazy("Open to recruiters"),
        required=False,
        help_text=gettext_lazy(
            "When on, we match you with recruiters for your targets. "
            "Nothing is sent to anyone until you choose recruiters and confirm."
        ),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # What typed words were turned into, said back when the profile is saved.
        self.resolved: list[str] = []
        # Places named in the occupation box ("attorney in London"), for the place field.
        self._paired_places: list[str] = []
        # The saved targets come as objects: their widgets show them without a query.
        for name in ("target_occupations", "target_places"):
            widget = self.fields[name].widget
            known = [o for o in self.initial.get(name) or () if hasattr(o, "pk")]
            widget.known_labels = {_value_of(o): o.label for o in known}
            if self.is_bound:
                widget.search_value = _typed(self.data, name)
        occupations = self.fields["target_occupations"].widget
        occupations.labels_for = occupation_labels
        places_id = self["target_places"].auto_id
        occupations.pair_with = {
            "list": f"{places_id}_chosen",
            "name": "target_places",
            "count": f"{places_id}_count",
        }

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (_("About you"), [self["name"], self["headline"], self["summary"]]),
            (
                _("Experience"),
                [self[n] for n in ("years_of_experience", "seniority", "skills", "languages")],
            ),
            (
                _("What you are looking for"),
                [self["target_occupations"], self["target_places"], self["open_to_recruiters"]],
            ),
            (_("Links"), [self["linkedin_url"]]),
            (
                _("Contact details (never shared with recruiters)"),
                [self[n] for n in CONTACT_FIELDS],
            ),
        ]

    def clean_skills(self) -> list[str]:
        return _split_list(self.cleaned_data["skills"], max_items=30, max_length=60, label="skill")

    def clean_languages(self) -> list[str]:
        return _split_list(
            self.cleaned_data["languages"], max_items=15, max_length=40, label="language"
        )

    def clean_target_occupations(self) -> list[tuple[Occupation, OccupationTitle | None]]:
        chosen = list(self.cleaned_data["target_occupations"])
        typed = _typed(self.data, "target_occupations")
        if not typed:
            return chosen
        role, place = typed, ""
        if (pair := search.split_pair(typed)) and pair[1]:
            # "attorney in London": the place goes to the place field, resolved there.
            role, place = pair
            self._paired_places.append(place)
        result = self._resolve("target_occupations", role, search.search_occupations)
        occupation = Occupation.objects.get(pk=result.id)
        title = OccupationTitle.objects.get(pk=result.title_id) if result.title_id else None
        if all(o.pk != occupation.pk for o, _ in chosen):
            chosen.append((occupation, title))
        if len(chosen) > MAX_TARGETS:
            raise ValidationError(
                _TOO_MANY_TARGETS["occupation"] % {"max": MAX_TARGETS}, code="max"
            )
        return chosen

    def clean_target_places(self) -> list[Place]:
        chosen = list(self.cleaned_data["target_places"])
        typed = [t for t in (_typed(self.data, "target_places"), *self._paired_places) if t]
        for text in typed:
            result = self._resolve("target_places", text, search.search_places)
            if all(p.pk != result.id for p in chosen):
                chosen.append(Place.objects.get(pk=result.id))
        if len(chosen) > MAX_TARGETS:
            raise ValidationError(_TOO_MANY_TARGETS["place"] % {"max": MAX_TARGETS}, code="max")
        return chosen

    def _resolve(self, name: str, text: str, find: Any) -> search.Result:
        """The one entry ``text`` names exactly (its name, a title or another name
        of it): never a guess. Otherwise a ValidationError that asks which one is
        meant (the candidates shown unticked below the box) or says none matched.
        """
        widget = self.fields[name].widget
        noun = widget.noun
        try:
            results = find(text, limit=SUGGESTIONS)
        except search.BadQuery as error:
            raise ValidationError(str(error)) from None
        key = normalise(text)
        named = [r for r in results if key in _names_of(r)]
        if len(named) == 1:
            result = named[0]
            widget.added.append((result.value, result.display))
            if widget.search_value == text or name == "target_occupations":
                widget.search_value = ""
            if normalise(result.display) != key:
                self.resolved.append(
                    _("“%(text)s” was added as %(name)s.") % {"text": text, "name": result.display}
                )
            return result
        if not results:
            raise ValidationError(_NOT_FOUND[noun] % {"text": text}, code="not_found")
        widget.suggestions = [(r.value, r.display) for r in named or results]
        widget.search_value = ""
        raise ValidationError(_AMBIGUOUS[noun] % {"text": text}, code="ambiguous")

    def clean_linkedin_url(self) -> str:
        value = self.cleaned_data["linkedin_url"]
        return normalise_linkedin_url(value) if value else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        raw_phone = cleaned.get("phone")
        if raw_phone:
            cleaned["phone"] = self._clean_phone(raw_phone, cleaned.get("country") or None)
        if cleaned.get("open_to_recruiters"):
            if "target_occupations" in cleaned and not cleaned["target_occupations"]:
                self.add_error(
                    "target_occupations",
                    _("To be open to recruiters, choose at least one occupation."),
                )
            if "target_places" in cleaned and not cleaned["target_places"]:
                self.add_error(
                    "target_places",
                    _("To be open to recruiters, choose at least one place (or Remote)."),
                )
        return cleaned

    def _clean_phone(self, raw: str, region: str | None) -> str:
        message = _(
            "This does not look like a valid phone number. "
            "Include the country code, e.g. +44 20 7946 0958."
        )
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            self.add_error("phone", message)
            return raw
        if not phonenumbers.is_valid_number(number):
            self.add_error("phone", message)
            return raw
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def contact_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CONTACT_FIELDS}

    def professional_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PROFESSIONAL_FIELDS}


SUGGESTIONS = 5


def _typed(data: Any, name: str) -> str:
    return " ".join(str(data.get(f"{name}_search", "")).split())


def _names_of(result: search.Result) -> set[str]:
    """The normalised names a typed text must equal to name this result exactly."""
    names = {result.label, result.display, result.label.partition(",")[0], result.matched}
    return {normalise(n) for n in names if n}


def profile_initial(*, user: User, profile: Profile, contact: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {"name": user.name}
    for name in CONTACT_FIELDS:
        initial[name] = getattr(contact, name)
    initial["phone"] = contact.phone.as_international if contact.phone else ""
    for name in PROFESSIONAL_FIELDS:
        initial[name] = getattr(profile, name)
    initial["skills"] = ", ".join(profile.skills)
    initial["languages"] = ", ".join(profile.languages)
    saved = profile.pk is not None  # an unsaved profile has no targets yet
    initial["target_occupations"] = list(profile.occupation_targets.all()) if saved else []
    initial["target_places"] = list(profile.target_places.all()) if saved else []
    return initial


class JobLetterForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your job letter"),
        max_length=MAX_LETTER_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=gettext_lazy(
            "Write it as plain text and leave a blank line between paragraphs. Bold words, "
            "lists and links are easy: see “Formatting” below."
        ),
    )
