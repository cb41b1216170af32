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
from jobletters.lib.text import TextField
from taxonomy import search
from taxonomy.models import (
    Occupation,
    OccupationTitle,
    Place,
    in_place,
    parse_pair_value,
    target_value,
)
from taxonomy.text import normalise

from .letters import MAX_LETTER_CHARS
from .models import MAX_KEPT_TARGETS, MAX_TARGETS, Profile, Target
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
    "related_roles",
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
    try:
        parts = urlsplit(value)  # "[]" or "[x]" as the host is a ValueError here
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
_NO_JOB = gettext_lazy("We found no job matching “%(text)s”. Try other words.")
_NO_PLACE = gettext_lazy("We found no place matching “%(text)s”. Try other words.")
_SAY_WHERE = gettext_lazy(
    "Say where you want to work as %(role)s, e.g. “%(role)s in London” or “%(role)s, remote”."
)
_AMBIGUOUS = gettext_lazy(
    "We did not add “%(text)s”: more than one could be meant. "
    "Tick the one you mean below, or type other words."
)


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


class TargetsField(forms.Field):
    """Targets as their checkboxes post them: "12.345@678" is occupation 12, as its
    title 345, in place 678 ("12@678" without a title). Cleaned to unsaved
    :class:`~profiles.models.Target` rows in three queries, whatever was posted."""

    widget = TargetsWidget

    def clean(self, value: Any) -> list[Target]:
        values = [str(v) for v in value or []]
        if len(values) > MAX_KEPT_TARGETS:  # never a real profile's: refused before any query
            raise ValidationError(
                _("Choose at most %(max)d targets.") % {"max": MAX_TARGETS}, code="max"
            )
        if not all(map(parse_pair_value, values)):
            raise ValidationError(_("Choose your targets from the suggestions."), code="invalid")
        found = _targets(values)
        if len(found) < len(set(values)):
            raise ValidationError(
                _(
                    "Select a valid choice: that target is not one we know any more. "
                    "Type it again to choose it."
                ),
                code="invalid_choice",
            )
        return [found[value] for value in values]


def _targets(values: list[str]) -> dict[str, Target]:
    """The targets these posted values name (unknown ones left out), in three queries."""
    parsed = {value: item for value in values if (item := parse_pair_value(value))}
    occupations = Occupation.objects.in_bulk({o for o, _, _ in parsed.values()})
    titles = OccupationTitle.objects.in_bulk({t for _, t, _ in parsed.values() if t})
    places = Place.objects.in_bulk({p for _, _, p in parsed.values()})
    found = {}
    for value, (occupation_id, title_id, place_id) in parsed.items():
        title = titles.get(title_id)
        if title_id is not None and (title is None or title.occupation_id != occupation_id):
            continue
        if occupation_id in occupations and place_id in places:
            found[value] = Target(
                occupation=occupations[occupation_id], title=title, place=places[place_id]
            )
    return found


def target_labels(values: list[str]) -> dict[str, str]:
    """ "Solicitor in London, United Kingdom" per posted value (for a form sent back)."""
    return {value: target.label for value, target in _targets(values).items()}


class ProfileForm(forms.Form):
    # The account's own field, so the name is cleaned by the one rule (accounts.names).
    name = User._meta.get_field("name").formfield(
        label=gettext_lazy("Full name"),
        required=True,
        help_text=gettext_lazy("As recruiters will see it on your letter."),
    )

    address_line1 = TextField(label=gettext_lazy("Address line 1"), max_length=200, required=False)
    address_line2 = TextField(label=gettext_lazy("Address line 2"), max_length=200, required=False)
    city = TextField(label=gettext_lazy("Town or city"), max_length=100, required=False)
    postal_code = TextField(label=gettext_lazy("Postal code"), max_length=20, required=False)
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

    headline = TextField(
        label=gettext_lazy("Headline"),
        max_length=120,
        required=False,
        help_text=gettext_lazy(
            'One line recruiters read first, e.g. "Commercial lawyer, 8 years in M&A".'
        ),
    )
    summary = TextField(
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
    skills = TextField(
        label=gettext_lazy("Skills"),
        max_length=2000,
        required=False,
        help_text=gettext_lazy("Separated by commas, e.g. contract law, GDPR."),
    )
    languages = TextField(
        label=gettext_lazy("Languages"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Separated by commas, e.g. English, French."),
    )
    targets = TargetsField(
        label=gettext_lazy("Jobs you are looking for, and where"),
        required=False,
        help_text=format_lazy(
            gettext_lazy(
                "Up to {max} targets, each a job in a place: type a job title and a place, "
                "e.g. attorney in London, nurse Leeds, or welder, remote. Each target is "
                "matched on its own: a job is never matched with another target's place."
            ),
            max=MAX_TARGETS,
        ),
    )
    related_roles = forms.BooleanField(
        label=gettext_lazy("Also recruiters for related roles"),
        required=False,
        help_text=gettext_lazy(
            "When ticked, recruiters for roles close to yours match too (for a lawyer: "
            "judges and notaries). Otherwise only recruiters for the jobs you chose."
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
        # The saved targets come as objects: their widget shows them without a query.
        widget = self.fields["targets"].widget
        known = [t for t in self.initial.get("targets") or () if hasattr(t, "pk")]
        widget.known_labels = {_value_of(t): t.label for t in known}
        widget.labels_for = target_labels
        if self.is_bound:
            widget.search_value = _typed(self.data, "targets")

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (_("About you"), [self["name"], self["headline"], self["summary"]]),
            (
                _("Experience"),
                [self[n] for n in ("years_of_experience", "seniority", "skills", "languages")],
            ),
            (
                _("What you are looking for"),
                [self["targets"], self["related_roles"], self["open_to_recruiters"]],
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

    def clean_targets(self) -> list[Target]:
        chosen = list(self.cleaned_data["targets"])
        typed = _typed(self.data, "targets")
        if typed:
            chosen.append(self._resolve(typed))
        return chosen

    def _resolve(self, text: str) -> Target:
        """The one target ``text`` names exactly (a job by its name or a title, and a
        place by a name of it): never a guess. Otherwise a ValidationError that asks
        which one is meant (the candidates shown unticked below the box), asks where,
        or says nothing matched."""
        widget = self.fields["targets"].widget
        try:
            found = search.read_target(text)
            role_text, place_text = found[:2] if found else (text, "")
            roles = search.search_occupations(role_text, limit=SUGGESTIONS)
            places = search.search_places(place_text, limit=SUGGESTIONS) if roles else []
        except search.BadQuery as error:
            raise ValidationError(str(error)) from None
        if not roles:
            raise ValidationError(_NO_JOB % {"text": role_text}, code="not_found")
        role, place = _the_one(role_text, roles), _the_one(place_text, places)
        if not search.prepare(place_text.partition(",")[0]):
            name = (role or roles[0]).display
            raise ValidationError(_SAY_WHERE % {"role": name}, code="where")
        if not places:
            raise ValidationError(_NO_PLACE % {"text": place_text}, code="not_found")
        widget.search_value = ""
        if role is None or place is None:
            widget.suggestions = [
                (target_value(r.id, r.title_id, p.id), in_place(r.display, p))
                for r in ([role] if role else _named_exactly(role_text, roles) or roles)
                for p in ([place] if place else _named_exactly(place_text, places) or places)
            ][: SUGGESTIONS * 2]
            raise ValidationError(_AMBIGUOUS % {"text": text}, code="ambiguous")
        label = in_place(role.display, place)
        widget.added.append((target_value(role.id, role.title_id, place.id), label))
        if normalise(label) != normalise(text):
            self.resolved.append(
                _("“%(text)s” was added as %(name)s.") % {"text": text, "name": label}
            )
        return Target(occupation_id=role.id, title_id=role.title_id, place_id=place.id)

    def clean_linkedin_url(self) -> str:
        value = self.cleaned_data["linkedin_url"]
        return normalise_linkedin_url(value) if value else ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        raw_phone = cleaned.get("phone")
        if raw_phone:
            cleaned["phone"] = self._clean_phone(raw_phone, cleaned.get("country") or None)
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


def _named_exactly(text: str, results: list[search.Result]) -> list[search.Result]:
    """The results ``text`` names exactly."""
    key = normalise(text)
    return [r for r in results if key in _names_of(r)]


def _the_one(text: str, results: list[search.Result]) -> search.Result | None:
    """The one result ``text`` names exactly, if only one."""
    named = _named_exactly(text, results)
    return named[0] if len(named) == 1 else None


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
    initial["targets"] = list(profile.targets.all()) if saved else []
    return initial


class JobLetterForm(forms.Form):
    text = TextField(
        label=gettext_lazy("Your job letter"),
        max_length=MAX_LETTER_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=gettext_lazy(
            "Write it as plain text and leave a blank line between paragraphs. Bold words, "
            "lists and links are easy: see “Formatting” below."
        ),
    )
