"""Occupations and places: the vocabulary seekers and recruiters pick targets from.

Both tables are loaded by a data migration (see ``taxonomy/loading.py``) and hold
no personal data. ``normalised`` columns are what search runs on; they are
written with :func:`taxonomy.normalise`, the same function queries go through.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Protocol

from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .text import normalise

# Countries where a city is written with its region: "Portland, Oregon".
REGION_IN_LABEL = {"US", "CA", "AU"}
NAME_SEPARATOR = "|"
PLACE_NAMES_FILE = Path(__file__).resolve().parent / "data" / "place_names.json"


@functools.cache
def _city_names() -> dict[str, dict[str, str]]:
    with PLACE_NAMES_FILE.open(encoding="utf-8") as f:
        return json.load(f)


def city_name(name: str, country: str) -> str:
    """A city's name in the active language: "Londres" in French, "Cologne" for Köln in
    English; GeoNames' own name where the language writes it the same."""
    language = (get_language() or "en").split("-")[0]
    return _city_names().get(language, {}).get(f"{country}/{name}", name)


def split_names(text: str) -> list[str]:
    return [name for name in (text or "").split(NAME_SEPARATOR) if name]


def join_normalised(names: list[str]) -> str:
    """ "|munchen|muenchen|": every name between bars, so "|x|" is a whole name and
    "|x" the start of one."""
    keys = [key for key in map(normalise, names) if key]
    return NAME_SEPARATOR + NAME_SEPARATOR.join(keys) + NAME_SEPARATOR if keys else ""


class _Titled(models.Model):
    """A title, searched through its normalised form."""

    title = models.CharField(max_length=200)
    normalised = models.CharField(max_length=200, db_index=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.normalised = normalise(self.title)
        super().save(*args, **kwargs)


class Occupation(_Titled):
    """An ISCO-08 unit group, e.g. 2611 Lawyers."""

    code = models.CharField(_("ISCO-08 code"), max_length=8, unique=True)
    description = models.TextField(blank=True)

    @property
    def plain_title(self) -> str:
        """The group's name in everyday words (see :func:`plain_title`)."""
        return plain_title(self.title)


class OccupationTitle(_Titled):
    """Another name for an occupation: a job title, a synonym or a regional spelling."""

    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="alternative_titles"
    )
    locale = models.CharField(
        max_length=10, blank=True, help_text=_('Where this usage is found, e.g. "en-GB", "en-US".')
    )

    class Meta(_Titled.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "normalised"], name="taxonomy_title_unique_per_occupation"
            )
        ]

    @property
    def display(self) -> str:
        """The title as a seeker's choice is shown: "Solicitor", "QC"."""
        return capitalised(self.title)


def capitalised(title: str) -> str:
    return title[:1].upper() + title[1:]


_QUALIFIER = re.compile(r"\s*\([^)]*\)")
_NOT_ELSEWHERE = " not elsewhere classified"


def plain_title(group: str) -> str:
    """An ISCO group's name in everyday words, for seekers and recruiters (staff see the
    name itself): "Legal professionals not elsewhere classified" → "Other legal
    professionals"; "Receptionists (general)" → "Receptionists"."""
    name = _QUALIFIER.sub("", group).strip()
    if name.endswith(_NOT_ELSEWHERE):
        rest = name.removesuffix(_NOT_ELSEWHERE)
        lowered = rest[:1].lower() + rest[1:] if rest[1:2].islower() else rest
        # The vocabulary is in English, so are its everyday names.
        return f"Other {lowered}"
    return name


def target_value(
    occupation_id: int, title_id: int | None = None, place_id: int | None = None
) -> str:
    """What a form posts for an occupation, with the title chosen if any ("12.345"), and
    for a target, with its place ("12.345@678")."""
    value = f"{occupation_id}.{title_id}" if title_id is not None else str(occupation_id)
    return f"{value}@{place_id}" if place_id is not None else value


def parse_target_value(value: str) -> tuple[int, int | None] | None:
    """ "12.345" → (12, 345); "12" → (12, None); anything else → None."""
    occupation, dot, title = str(value).partition(".")
    if not occupation.isdigit() or (dot and not title.isdigit()):
        return None
    if len(occupation) > 18 or len(title) > 18:
        return None
    return int(occupation), int(title) if dot else None


def parse_pair_value(value: str) -> tuple[int, int | None, int] | None:
    """ "12.345@678" → (12, 345, 678); "12@678" → (12, None, 678); anything else → None."""
    role, at, place = str(value).partition("@")
    parsed = parse_target_value(role)
    if parsed is None or not at or not place.isdigit() or len(place) > 18:
        return None
    return *parsed, int(place)


class Place(models.Model):
    """A city, a country, or working remotely (a single row)."""

    class Kind(models.TextChoices):
        CITY = "city", _("City")
        COUNTRY = "country", _("Country")
        REMOTE = "remote", _("Remote")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=200)
    normalised = models.CharField(max_length=200, db_index=True, editable=False)
    country = CountryField(blank=True)
    geonames_id = models.PositiveIntegerField(_("GeoNames id"), null=True, blank=True, unique=True)
    population = models.PositiveBigIntegerField(default=0)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    admin1 = models.CharField(_("region"), max_length=200, blank=True)
    # Other names and spellings from GeoNames ("München", "Muenchen" for Munich;
    # "Bombay" for Mumbai), "|"-separated as written, and normalised between bars
    # ("|munchen|muenchen|") so that one LIKE finds a whole name or its start.
    other_names = models.TextField(blank=True, editable=False)
    other_names_normalised = models.TextField(blank=True, editable=False)
    # Part of a larger city (a borough, an arrondissement, a neighbourhood):
    # ranked after real cities that match as well (see taxonomy.loading).
    is_district = models.BooleanField(_("district of a larger city"), default=False)

    class Meta:
        ordering = ["-population", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(kind="remote"),
                name="taxonomy_place_single_remote",
            )
        ]
        indexes = [
            # Cities near a point (recruiters.matching): a latitude range, the rest read
            # from the index alone.
            models.Index(
                fields=["latitude", "longitude", "id"],
                condition=models.Q(kind="city"),
                name="place_city_position",
            )
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs) -> None:
        self.normalised = normalise(self.name)
        self.other_names_normalised = join_normalised(split_names(self.other_names))
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        """ "London, United Kingdom"; "Portland, Oregon, United States of America"; "France".
        In the active language: "Londres, Royaume-Uni", "Télétravail"."""
        if self.kind == self.Kind.REMOTE:
            return str(self.Kind.REMOTE.label)
        if self.kind == self.Kind.COUNTRY:
            return str(self.country.name) if self.country else self.name
        parts = [city_name(self.name, self.country.code)]
        if self.admin1 and self.admin1 != self.name and self.country.code in REGION_IN_LABEL:
            parts.append(self.admin1)
        if self.country:
            parts.append(str(self.country.name))
        return ", ".join(parts)


_WITH_THE = {"Bahamas", "Comoros", "Gambia", "Maldives", "Netherlands", "Philippines", "Seychelles"}


def with_article(name: str) -> str:
    """ "the United Kingdom", "the Netherlands", "France" (in English; other languages
    take the name as it is)."""
    if not (get_language() or "en").startswith("en"):
        return name
    if name in _WITH_THE or name.startswith("United ") or name.endswith(("Republic", "Islands")):
        return f"the {name}"
    return name


class Where(Protocol):
    """A place as words need it: a :class:`Place`, or a search result for one."""

    @property
    def kind(self) -> str: ...
    @property
    def label(self) -> str: ...


def in_place(role: str, place: Where) -> str:
    """A target in words: "Software developer in Munich, Germany", "Lawyer in the United
    Kingdom", "Translator, remote"."""
    if place.kind == Place.Kind.REMOTE:
        return target_words(role, "")
    return target_words(
        role, with_article(place.label) if place.kind == Place.Kind.COUNTRY else place.label
    )


def target_words(role: str, where: str) -> str:
    """ "Lawyer in London"; "Lawyer, remote" when ``where`` is empty (Remote)."""
    if not where:
        return gettext("%(role)s, remote") % {"role": role}
    return gettext("%(role)s in %(place)s") % {"role": role, "place": where}
