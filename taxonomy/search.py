"""Ranked autocomplete over occupations and places.

Every search runs on the ``normalised`` columns, with the query passed through
the same :func:`taxonomy.normalise`. Matches are ranked in tiers:

0. exact ("lawyer")
1. prefix ("law" → "lawyer")
2. word prefix ("dev" → "software developer")
3. every query word is a word prefix, in any order ("developer soft"), or the
   query is inside a word ("smith" → "goldsmith")
4. similar: trigram similarity on PostgreSQL (typos: "solicter"); on other
   databases this tier is empty and tier 3 is the fallback.

Places also match their other names and spellings (GeoNames alternate names:
"Munchen" → Munich, "Bombay" → Mumbai); a match on another name ranks just after
the same kind of match on the name itself, and the result says which name
matched. Within a tier occupations prefer shorter names (the closer match),
places the larger population ("Lond" → London, United Kingdom, before London,
Ontario), with districts of a larger city counted at a tenth of theirs so real
cities come first.

A target typed whole offers the pair: the role's best occupation with the
place's best matches (:func:`search_targets`), however it is written: "attorney
in London", "nurse at Leeds", "welder, Hamburg" or "software developer Munich";
the occupation alone is always offered too.
On PostgreSQL the GIN trigram indexes of migration 0002 serve every tier:
``=``, ``LIKE 'x%'``, ``LIKE '% x%'``, ``LIKE '%x%'``, ``%`` and ``%>>``
(similar as a whole, or similar to whole words of the name).

Each search is a fixed number of queries: two for occupations (the occupation
names, the alternative titles), one for places, five for a pair ("in", "at" or a
comma), at most seven for words without one (a place tried for each of the last
three, two and one words).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.postgres.lookups import TrigramSimilar, TrigramStrictWordSimilar
from django.contrib.postgres.search import TrigramSimilarity, TrigramStrictWordSimilarity
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    Expression,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Greatest, Length
from django.utils.translation import gettext as _
from django_countries import countries

from .models import (
    Occupation,
    OccupationTitle,
    Place,
    capitalised,
    city_name,
    in_place,
    plain_title,
    split_names,
    target_value,
)
from .text import normalise

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
DEFAULT_LIMIT = 10
MAX_LIMIT = 20
SUBSTRING_MIN_LENGTH = 3

# Tiers, best first. A place matching by another of its names ranks one step
# after the same match on its own name (EXACT + OTHER_NAME, ...).
EXACT, PREFIX, WORD_PREFIX, WORDS, SIMILAR = 0, 2, 4, 6, 8
OTHER_NAME = 1
# Below this population a place's other names match only as the weakest tier.
OTHER_NAME_MIN_POPULATION = 100_000
# A district of a larger city weighs this much less than its population.
DISTRICT_DIVISOR = 10
# How many places a pair offers ("attorney in London": the United Kingdom's and Ontario's).
PAIR_PLACES = 3
# "<role> in <place>", "<role> at <place>", "<role> à <place>" (the last of them), or
# "<role>, <place>".
_PAIR = re.compile(
    r"^(?P<role>.*\S)\s+(?:in|at|à)(?:\s+(?P<place>.*))?$|^(?P<before>[^,]*[^\s,])\s*,(?P<after>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# Without "in", "at" or a comma, a place is looked for in the last words, longest first.
PLACE_WORDS = 3

# How people write countries that their ISO name does not cover.
COUNTRY_ALIASES = {
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "us": "US",
    "usa": "US",
    "u s": "US",
    "u s a": "US",
    "united states": "US",
    "america": "US",
    "uae": "AE",
    "holland": "NL",
    "the netherlands": "NL",
    "korea": "KR",
    "czech republic": "CZ",
    "russia": "RU",
    "ivory coast": "CI",
}


class BadQuery(ValueError):
    """A query no one types: too long, or with control characters (NUL...)."""


@dataclass(frozen=True)
class Result:
    """One suggestion. ``value`` is what a form posts for it (an occupation with the
    title the seeker chose is "<occupation id>.<title id>"), ``display`` how a
    choice is shown: the title chosen ("Attorney"), or the group's everyday name
    ("Other legal professionals"), never a classification. A pair carries its
    ``place``, and as ``target`` the value and words of the pair itself
    ("12.345@678", "Attorney in London, United Kingdom")."""

    id: int
    label: str
    kind: str = ""
    matched: str = ""
    title_id: int | None = None
    title: str = ""
    place: Result | None = field(default=None, compare=False)

    @property
    def value(self) -> str:
        return target_value(self.id, self.title_id)

    @property
    def display(self) -> str:
        if self.kind:
            return self.label
        return capitalised(self.title) if self.title else plain_title(self.label)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "label": self.label}
        if self.kind:
            data["kind"] = self.kind
        if self.matched:
            data["matched"] = self.matched
        if self.title_id is not None:
            data["title_id"] = self.title_id
            data["title"] = self.title
        data["value"] = self.value
        data["display"] = self.display
        if self.place is not None:
            data["place"] = self.place.as_json()
            data["target"] = {
                "value": target_value(self.id, self.title_id, self.place.id),
                "display": in_place(self.display, self.place),
            }
        return data


def check(q: str) -> None:
    if len(q) > MAX_QUERY_LENGTH:
        raise BadQuery(_("Type at most %(max)d characters.") % {"max": MAX_QUERY_LENGTH})
    if any(unicodedata.category(c) in ("Cc", "Cs") and not c.isspace() for c in q):
        raise BadQuery(_("Type letters, digits and punctuation only."))


def prepare(q: str) -> str:
    """The normalised query, or "" when it is too short to search for."""
    check(q)
    text = normalise(q)
    return text if len(text) >= MIN_QUERY_LENGTH else ""


def _trigrams() -> bool:
    return connection.vendor == "postgresql"


def _tiers(text: str) -> tuple[list[tuple[int, Q]], Q]:
    """(rank, condition) pairs, and the filter that any of them matches."""
    words = text.split()
    exact = Q(normalised=text)
    prefix = Q(normalised__startswith=text)
    word_prefix = Q(normalised__contains=" " + text)
    tiers = [(EXACT, exact), (PREFIX, prefix), (WORD_PREFIX, word_prefix)]
    if len(text) < SUBSTRING_MIN_LENGTH:
        # Two letters inside words or "similar" to them match thousands of names
        # and say nothing: only whole-name and word prefixes count.
        return tiers, exact | prefix | word_prefix
    # Being inside the name covers the first three tiers: the filter stays short
    # (fewer index scans); the rank still tells them apart.
    inside = Q(normalised__contains=text)
    if len(words) > 1:
        every_word = Q()
        for word in words:
            every_word &= Q(normalised__startswith=word) | Q(normalised__contains=" " + word)
        inside |= every_word
    tiers.append((WORDS, inside))
    matches = inside
    if _trigrams():
        similar = Q(TrigramSimilar(F("normalised"), Value(text))) | Q(
            TrigramStrictWordSimilar(F("normalised"), Value(text))
        )
        tiers.append((SIMILAR, similar))
        matches |= similar
    return tiers, matches


def _ranked(
    queryset: QuerySet,
    text: str,
    extra: list[tuple[int, Q]] | None = None,
    extra_matches: Q | None = None,
) -> QuerySet:
    """Rows matching ``text`` (or ``extra_matches``) with their ``rank``: the best
    tier whose condition holds, among the name's tiers and the ``extra`` ones."""
    tiers, matches = _tiers(text)
    tiers = sorted(tiers + (extra or []), key=lambda tier: tier[0])
    if extra_matches is not None:
        matches |= extra_matches
    rank = Case(
        *(When(condition, then=Value(rank)) for rank, condition in tiers),
        default=Value(SIMILAR),
        output_field=IntegerField(),
    )
    similarity: Expression
    if _trigrams():
        similarity = Greatest(
            TrigramSimilarity("normalised", text),
            TrigramStrictWordSimilarity(text, "normalised"),
        )
    else:
        similarity = Value(0.0, output_field=FloatField())
    return (
        queryset.filter(matches)
        .annotate(rank=rank, similarity=similarity)
        # Similarity only orders the fuzzy tier; earlier tiers keep their own order.
        .annotate(
            fuzzy=Case(
                When(rank=SIMILAR, then=F("similarity")),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
    )


def search_occupations(q: str, *, limit: int = DEFAULT_LIMIT) -> list[Result]:
    """Occupations for q, one result per occupation; an alternative title that
    matched better than the occupation's own title is returned as ``matched``."""
    return [result for _, result in _occupations(prepare(q), limit=limit)]


def _occupations(text: str, *, limit: int) -> list[tuple[int, Result]]:
    """Occupations for the normalised text, with the tier each matched at."""
    if not text:
        return []
    candidates = limit * 5
    by_title = (
        _ranked(Occupation.objects.all(), text)
        .annotate(length=Length("normalised"))
        .order_by("rank", "-fuzzy", "length", "code")
        .values_list("id", "title", "rank", "fuzzy", "length", "code")[:candidates]
    )
    by_alternative = (
        _ranked(OccupationTitle.objects.all(), text)
        .annotate(length=Length("normalised"))
        .order_by("rank", "-fuzzy", "length", "occupation__code")
        .values_list(
            "occupation_id",
            "occupation__title",
            "rank",
            "fuzzy",
            "length",
            "occupation__code",
            "title",
            "id",
        )[:candidates]
    )
    best: dict[int, tuple[tuple, Result]] = {}
    for pk, title, rank, fuzzy, length, code in by_title:
        best[pk] = ((rank, -fuzzy, length, 0, code), Result(id=pk, label=title))
    for pk, title, rank, fuzzy, length, code, alternative, title_id in by_alternative:
        key = (rank, -fuzzy, length, 1, code)
        if pk not in best or key < best[pk][0]:
            result = Result(
                id=pk,
                label=title,
                matched=alternative,
                title_id=title_id,
                title=capitalised(alternative),
            )
            best[pk] = (key, result)
    ranked = sorted(best.values(), key=lambda pair: pair[0])
    # Two groups may share a title ("nurse"): shown alike, only the better one is offered.
    seen: set[str] = set()
    found = []
    for key, result in ranked:
        if normalise(result.display) not in seen:
            seen.add(normalise(result.display))
            found.append((key[0], result))
    return found[:limit]


def split_pair(q: str) -> tuple[str, str] | None:
    """ "attorney in London", "nurse at Leeds", "avocat à Paris", "welder, Hamburg" →
    (role, place); None without "in", "at", "à" or a comma."""
    match = _PAIR.match(" ".join(q.split()))
    if not match:
        return None
    if match["before"]:
        return match["before"], match["after"].strip()
    return match["role"], (match["place"] or "").strip()


def read_target(q: str) -> tuple[str, str, list[Result]] | None:
    """The role and place that the words name, with the places that match the place's
    words by name (not mere look-alikes): "software developer Munich" → ("software
    developer", "Munich", [Munich, Germany]). With "in", "at" or a comma the place is
    what follows (perhaps no place yet: "nurse in"); without, the last three, two or
    one words that name a place. None when no place is named."""
    pair = split_pair(q)
    if pair is not None:
        splits = [pair]
    else:
        words = q.split()
        splits = [
            (" ".join(words[:-n]), " ".join(words[-n:]))
            for n in range(PLACE_WORDS, 0, -1)
            if len(words) > n
        ]
    for role, place_text in splits:
        if not prepare(role):
            continue
        if not prepare(place_text.partition(",")[0]):
            # Still typing the place ("nurse in"): the role, no place yet.
            return (role, place_text, []) if pair is not None else None
        places = _named_places(place_text)
        if places or pair is not None:
            return role, place_text, places
    return None


def _named_places(text: str) -> list[Result]:
    """The places that match best, by name or word, not merely inside a word or by
    looking alike ("London": both Londons, not Londonderry)."""
    rows = _place_rows(text, limit=PAIR_PLACES)
    top = rows[0][1] if rows else SIMILAR
    return [
        place
        for place, rank in rows
        if rank <= WORD_PREFIX + OTHER_NAME and rank <= (top | OTHER_NAME)
    ]


def search_targets(q: str, *, limit: int = DEFAULT_LIMIT) -> list[Result]:
    """Occupations for q; for a role and a place (:func:`read_target`), first the
    role's best occupation paired with each place, then the role's occupations alone.
    Words that are an occupation's name, or its start ("attorney at law"), are that
    occupation; words naming no place are searched whole."""
    check(q)
    whole = _occupations(prepare(q), limit=limit)
    if whole and whole[0][0] <= PREFIX:
        return [result for _, result in whole]
    target = read_target(q)
    if target is None:
        return [result for _, result in whole]
    role, place_text, places = target
    occupations = search_occupations(role, limit=limit)
    words = [result for _, result in whole]
    if not places and not prepare(place_text.partition(",")[0]):
        return occupations or words  # still typing the place ("nurse in"): the role
    if not places or not occupations:
        return words or occupations  # not a place after all ("labourers in mining")
    pairs = [replace(occupations[0], place=place) for place in places]
    return (pairs + occupations)[:limit]


def _country_codes(qualifier: str) -> set[str]:
    """ISO codes a normalised country word or prefix could mean ("uk", "germ", "fr")."""
    codes = set()
    if qualifier in COUNTRY_ALIASES:
        codes.add(COUNTRY_ALIASES[qualifier])
    if len(qualifier) == 2:
        codes.add(qualifier.upper())
    for code, name in countries:
        if normalise(str(name)).startswith(qualifier):
            codes.add(code)
    return codes


def search_places(
    q: str,
    *,
    limit: int = DEFAULT_LIMIT,
    kinds: list[str] | None = None,
    country: str = "",
) -> list[Result]:
    """Places for q. "London, Canada" or "Portland, Oregon" narrow the city by
    country or region; ``country`` and ``kinds`` filter explicitly."""
    return [place for place, _ in _place_rows(q, limit=limit, kinds=kinds, country=country)]


def _place_rows(
    q: str, *, limit: int, kinds: list[str] | None = None, country: str = ""
) -> list[tuple[Result, int]]:
    """Places for q with the tier each matched at."""
    check(q)
    name, _, qualifier_text = q.partition(",")
    text = prepare(name)
    if not text:
        return []
    queryset = Place.objects.all()
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    if country:
        queryset = queryset.filter(country=country.upper())
    qualifier = normalise(qualifier_text)
    if qualifier:
        queryset = queryset.filter(
            Q(country__in=_country_codes(qualifier)) | Q(admin1__istartswith=qualifier)
        )
    extra: list[tuple[int, Q]] = []
    extra_matches = Q(pk__in=[])
    if text in COUNTRY_ALIASES:
        alias = Q(kind=Place.Kind.COUNTRY, country=COUNTRY_ALIASES[text])
        extra.append((EXACT, alias))
        extra_matches |= alias
    if len(text) >= SUBSTRING_MIN_LENGTH:
        # Other names: a whole name, the start of one, a word's start, anywhere
        # (the last one, which holds whenever another does, is the filter). Small
        # towns' other names are often old or foreign ones ("Berlin" for North
        # Canton, Ohio): for them only the weakest tier counts.
        other = "other_names_normalised__contains"
        known = Q(population__gte=OTHER_NAME_MIN_POPULATION)
        extra += [
            (EXACT + OTHER_NAME, known & Q(**{other: f"|{text}|"})),
            (PREFIX + OTHER_NAME, known & Q(**{other: "|" + text})),
            (WORD_PREFIX + OTHER_NAME, known & Q(**{other: " " + text})),
            (WORDS + OTHER_NAME, Q(**{other: text})),
        ]
        extra_matches |= Q(**{other: text})
    weight = Case(
        # Someone typing "rem" more likely means Remote than Remscheid.
        When(kind=Place.Kind.REMOTE, then=Value(10**12)),
        When(is_district=True, then=F("population") / DISTRICT_DIVISOR),
        default=F("population"),
        output_field=BigIntegerField(),
    )
    rows = (
        _ranked(queryset, text, extra, extra_matches)
        .annotate(weight=weight)
        .order_by("rank", "-fuzzy", "-weight", "name", "id")
        .only("id", "kind", "name", "country", "admin1", "other_names")[:limit]
    )
    return [
        (
            Result(
                id=place.pk,
                label=place.label,
                kind=place.kind,
                matched=_other_name(place, text, place.rank) if place.rank % 2 else "",
            ),
            place.rank,
        )
        for place in rows
    ]


def _other_name(place: Place, text: str, rank: int) -> str:
    """Which of the place's other names matched at ``rank`` ("München" for "munchen").

    Only a name the seeker typed whole or began: a word inside another language's
    name ("District londonien d'Islington" for "London") would show that language on
    the page, and the name the page already shows ("Londres") needs no repeating."""
    if rank not in (EXACT + OTHER_NAME, PREFIX + OTHER_NAME):
        return ""
    shown = normalise(city_name(place.name, place.country.code))
    for name in split_names(place.other_names):
        key = normalise(name)
        if key != shown and (key == text if rank == EXACT + OTHER_NAME else key.startswith(text)):
            return name
    return ""
