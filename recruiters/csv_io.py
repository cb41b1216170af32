"""The directory as CSV: staff import (checked whole before anything is saved) and export.

One recruiter per line, with these columns (the export writes all of them; an
import needs at least ``name``, ``email``, ``occupations`` and ``places``)::

    name, agency, email, website, occupations, places, seniority, languages,
    specialisms, daily_cap, active, opted_out_at

Lists are separated by ``;``. ``occupations`` are ISCO-08 unit group codes, each
optionally followed by its title (``2611 Lawyers; 2612 Judges``). ``places`` are
``Remote``, a country code (``GB``), a city as ``London, GB`` (the most populous
of that name in that country) or by GeoNames id (``#2643743``, as the export
writes it: ``London, GB #2643743``). ``opted_out_at`` is written by the export
and ignored by the import: only the recruiter can opt out, and an address that
did stays out.

An import reads at most ``MAX_BYTES`` and ``MAX_ROWS`` lines, so the work per
request is bounded; lines that would be saved are shown first, with every
line's errors, and nothing is saved unless the whole file is valid.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db.models import QuerySet

from profiles.models import Profile
from taxonomy.models import Occupation, Place
from taxonomy.text import normalise

from . import directory
from .bulk import chunks
from .directory import RecruiterData
from .models import Recruiter

COLUMNS = [
    "name",
    "agency",
    "email",
    "website",
    "occupations",
    "places",
    "seniority",
    "languages",
    "specialisms",
    "daily_cap",
    "active",
    "opted_out_at",
]
REQUIRED = {"name", "email", "occupations", "places"}
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
_CODE = re.compile(r"^\s*(\d{4})\b")
_GEONAMES = re.compile(r"#(\d{1,10})\s*$")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_TRUE = {"", "1", "true", "yes", "y", "active"}
_FALSE = {"0", "false", "no", "n", "inactive"}
_LEVELS = {normalise(str(v)): key for key, label in Profile.Seniority.choices for v in (key, label)}


class CSVRefused(Exception):
    """The file cannot be read at all (too big, not text, no header)."""


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


@dataclass
class Line:
    number: int
    record: RecruiterData
    occupations: list[str]
    places: list[str]
    update: bool = False


@dataclass
class ImportPreview:
    lines: list[Line] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.lines)

    @property
    def creates(self) -> int:
        return len(self.lines) - self.updates

    @property
    def updates(self) -> int:
        return sum(line.update for line in self.lines)


# --- Reading ---------------------------------------------------------------------------


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise CSVRefused(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CSVRefused("The file is not UTF-8 text; save it as “CSV UTF-8”.") from exc
    if "\x00" in text:
        raise CSVRefused("The file is not a CSV text file.")
    return text


def read(text: str) -> ImportPreview:
    """Check every line; nothing is saved."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise CSVRefused(f"The file is not valid CSV: {exc}.") from exc
    if not header:
        raise CSVRefused("The file is empty: the first line must name the columns.")
    problems = [
        f"{what} column(s): " + ", ".join(names)
        for what, names in (
            ("missing", sorted(REQUIRED - set(header))),
            ("unknown", [h for h in header if h not in COLUMNS]),
        )
        if names
    ]
    if problems:
        raise CSVRefused("The header line has " + "; ".join(problems) + ".")
    reader.fieldnames = header

    raw: list[tuple[int, dict[str, str]]] = []
    try:
        for row in reader:
            if reader.line_num > MAX_ROWS + 1:
                raise CSVRefused(f"The file has more than {MAX_ROWS} lines; split it.")
            if None in row:
                raw.append((reader.line_num, {"__extra__": "1"}))
                continue
            cells = {k: _unescape((v or "").strip()) for k, v in row.items()}
            if any(cells.values()):
                raw.append((reader.line_num, cells))
    except csv.Error as exc:
        raise CSVRefused(f"Line {reader.line_num} is not valid CSV: {exc}.") from exc

    resolver = _Resolver([cells for _, cells in raw])
    preview = ImportPreview()
    seen: dict[str, int] = {}
    for number, cells in raw:
        errors: list[str] = []
        if "__extra__" in cells:
            preview.errors.append(LineError(number, "This line has more cells than the header."))
            continue
        record = _record(cells, resolver, errors)
        if record is not None:
            email = directory.normalise_email(record.email)
            if email in seen:
                errors.append(f"The email address is already on line {seen[email]}.")
            seen.setdefault(email, number)
        if errors:
            preview.errors.extend(LineError(number, e) for e in errors)
        elif record is not None:
            preview.lines.append(
                Line(
                    number=number,
                    record=record,
                    occupations=[resolver.occupation_titles[pk] for pk in record.occupation_ids],
                    places=[resolver.labels[pk] for pk in record.place_ids],
                )
            )
    if not raw:
        preview.errors.append(LineError(1, "There are no recruiters below the header line."))
    _mark_updates(preview)
    return preview


def _unescape(value: str) -> str:
    # The export protects spreadsheet formulas with a leading apostrophe.
    if value.startswith("'") and value[1:2] in _FORMULA:
        return value[1:]
    return value


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _record(cells: dict[str, str], resolver: _Resolver, errors: list[str]) -> RecruiterData | None:
    name = cells.get("name", "")
    if not name:
        errors.append("The name is missing.")
    elif len(name) > 200:
        errors.append("The name is longer than 200 characters.")
    agency = cells.get("agency", "")
    if len(agency) > 200:
        errors.append("The agency is longer than 200 characters.")
    email = directory.normalise_email(cells.get("email", ""))
    try:
        EmailValidator()(email)
        if len(email) > 254:
            raise ValidationError("too long")
    except ValidationError:
        errors.append(f"“{cells.get('email', '')}” is not an email address.")
    website = cells.get("website", "")
    if website:
        try:
            Recruiter._meta.get_field("website").clean(website, None)
        except ValidationError:
            errors.append(f"“{website}” is not a web address (it starts with https://).")

    occupations = _resolved(cells, "occupations", resolver.occupation, errors, _NOT_OCCUPATION)
    places = _resolved(cells, "places", resolver.place, errors, _NOT_PLACE)
    levels = _resolved(cells, "seniority", lambda t: _LEVELS.get(normalise(t)), errors, _NOT_LEVEL)
    for noun, found, most in (
        ("occupation", occupations, directory.MAX_OCCUPATIONS),
        ("place", places, directory.MAX_PLACES),
    ):
        if not _split(cells.get(f"{noun}s", "")):
            errors.append(f"List at least one {noun}.")
        elif len(found) > most:
            errors.append(f"List at most {most} {noun}s.")
    try:
        languages = directory.clean_terms(
            _split(cells.get("languages", "")), limit=directory.MAX_LANGUAGES, label="language"
        )
        keywords = directory.clean_terms(
            _split(cells.get("specialisms", "")), limit=directory.MAX_KEYWORDS, label="specialism"
        )
    except ValidationError as exc:
        errors.extend(exc.messages)
        languages, keywords = [], []
    cap_text = cells.get("daily_cap", "")
    daily_cap = 20
    if cap_text:
        try:
            daily_cap = int(cap_text)
            if not 1 <= daily_cap <= 1000:
                raise ValueError
        except ValueError:
            errors.append(f"“{cap_text}” is not a daily cap (a whole number from 1 to 1000).")
    active_text = cells.get("active", "").lower()
    if active_text not in _TRUE | _FALSE:
        errors.append(f"“{cells.get('active')}” is not yes or no (active).")
    if errors:
        return None
    return RecruiterData(
        name=name,
        agency=agency,
        email=email,
        website=website,
        occupation_ids=occupations,
        place_ids=places,
        seniority_levels=levels,
        languages=languages,
        keywords=keywords,
        daily_cap=daily_cap,
        active=active_text in _TRUE,
    )


_NOT_OCCUPATION = "“{}” is not an ISCO-08 unit group code (such as 2611)."
_NOT_PLACE = (
    "“{}” is not a place we know: write Remote, a country code (GB), "
    "a city with its country (London, GB) or a GeoNames id (#2643743)."
)
_NOT_LEVEL = (
    "“{}” is not a seniority level (" + ", ".join(k for k, _ in Profile.Seniority.choices) + ")."
)


def _resolved(
    cells: dict[str, str],
    column: str,
    lookup: Callable[[str], Any],
    errors: list[str],
    unknown: str,
) -> list[Any]:
    """The column's values found by ``lookup``, each once; an error per unknown token."""
    found: list[Any] = []
    for token in _split(cells.get(column, "")):
        value = lookup(token)
        if value is None:
            errors.append(unknown.format(token))
        elif value not in found:
            found.append(value)
    return found


class _Resolver:
    """Looks every occupation and place of a file up in a few queries."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        occupations = Occupation.objects.values_list("pk", "code", "title")
        self.occupations = {code: pk for pk, code, _ in occupations}
        self.occupation_titles = {pk: f"{code} {title}" for pk, code, title in occupations}
        tokens = {t for row in rows for t in _split(row.get("places", ""))}
        ids = {int(m.group(1)) for t in tokens if (m := _GEONAMES.search(t))}
        pairs = {
            (normalise(name), code.strip().upper())
            for t in tokens
            if not _GEONAMES.search(t) and "," in t
            for name, _, code in [t.rpartition(",")]
        }
        self.by_geonames: dict[int, int] = {}
        self.labels: dict[int, str] = {}
        for chunk in chunks(sorted(ids)):
            for place in Place.objects.filter(geonames_id__in=chunk):
                if place.geonames_id is not None:
                    self.by_geonames[place.geonames_id] = place.pk
                self.labels[place.pk] = place.label
        self.by_name: dict[tuple[str, str], int] = {}
        names = sorted({n for n, _ in pairs})
        for name_chunk in chunks(names):
            rows_found = (
                Place.objects.filter(kind=Place.Kind.CITY, normalised__in=name_chunk)
                .filter(country__in=sorted({c for _, c in pairs}))
                .order_by("-population", "pk")
            )
            for place in rows_found:
                key = (place.normalised, str(place.country))
                if key in pairs and key not in self.by_name:
                    self.by_name[key] = place.pk
                    self.labels[place.pk] = place.label
        self.countries: dict[str, int] = {}
        self.remote: int | None = None
        for place in Place.objects.filter(kind__in=[Place.Kind.COUNTRY, Place.Kind.REMOTE]):
            self.labels[place.pk] = place.label
            if place.kind == Place.Kind.REMOTE:
                self.remote = place.pk
            else:
                self.countries[str(place.country)] = place.pk

    def occupation(self, token: str) -> int | None:
        match = _CODE.match(token)
        return self.occupations.get(match.group(1)) if match else None

    def place(self, token: str) -> int | None:
        if token.lower() == "remote":
            return self.remote
        if match := _GEONAMES.search(token):
            return self.by_geonames.get(int(match.group(1)))
        if len(token) == 2 and token.isalpha():
            return self.countries.get(token.upper())
        if "," in token:
            name, _, code = token.rpartition(",")
            return self.by_name.get((normalise(name), code.strip().upper()))
        return None


def _mark_updates(preview: ImportPreview) -> None:
    emails = [directory.normalise_email(line.record.email) for line in preview.lines]
    existing: set[str] = set()
    for chunk in chunks(emails):
        existing.update(Recruiter.objects.filter(email__in=chunk).values_list("email", flat=True))
    for line, email in zip(preview.lines, emails, strict=True):
        line.update = email in existing


def save(preview: ImportPreview) -> tuple[int, int]:
    """Save a valid file's recruiters (all of them, in one transaction)."""
    if not preview.ok:
        raise CSVRefused("The file has errors: nothing was saved.")
    created, updated = directory.save_recruiters([line.record for line in preview.lines])
    return len(created), len(updated)


# --- Writing ---------------------------------------------------------------------------


def _escape(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _place_token(place: Place) -> str:
    if place.kind == Place.Kind.REMOTE:
        return "Remote"
    if place.kind == Place.Kind.COUNTRY:
        return str(place.country)
    if place.geonames_id:
        return f"{place.name}, {place.country} #{place.geonames_id}"
    return f"{place.name}, {place.country}"


def rows(recruiters: QuerySet[Recruiter]) -> Iterator[list[str]]:
    """The header, then one line per recruiter (in chunks, so memory stays flat)."""
    yield COLUMNS
    queryset = recruiters.order_by("pk").prefetch_related("occupations", "places")
    for recruiter in queryset.iterator(chunk_size=1000):
        yield [
            _escape(v)
            for v in (
                recruiter.name,
                recruiter.agency,
                recruiter.email,
                recruiter.website,
                "; ".join(f"{o.code} {o.title}" for o in recruiter.occupations.all()),
                "; ".join(_place_token(p) for p in recruiter.places.all()),
                "; ".join(recruiter.seniority_levels),
                "; ".join(recruiter.languages),
                "; ".join(recruiter.keywords),
                recruiter.daily_cap,
                "yes" if recruiter.active else "no",
                recruiter.opted_out_at.isoformat() if recruiter.opted_out_at else "",
            )
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream(recruiters: QuerySet[Recruiter]) -> Iterable[str]:
    writer = csv.writer(_Echo())
    return (writer.writerow(row) for row in rows(recruiters))
