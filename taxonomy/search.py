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

Within a tier occupations prefer shorter names (the closer match), places the
larger population ("Lond" → London, United Kingdom, before London, Ontario).
On PostgreSQL the GIN trigram indexes of migration 0002 serve every tier:
``=``, ``LIKE 'x%'``, ``LIKE '% x%'``, ``LIKE '%x%'``, ``%`` and ``%>>``
(similar as a whole, or similar to whole words of the name).

Each search is a fixed number of queries: two for occupations (the occupation
names, the alternative titles), one for places.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.lookups import TrigramSimilar, TrigramStrictWordSimilar
from django.contrib.postgres.search import TrigramSimilarity, TrigramStrictWordSimilarity
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Greatest, Length
from django_countries import countries

from .models import Occupation, OccupationTitle, Place
from .text import normalise

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
DEFAULT_LIMIT = 10
MAX_LIMIT = 20
SUBSTRING_MIN_LENGTH = 3

EXACT, PREFIX, WORD_PREFIX, WORDS, SIMILAR = range(5)

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
    id: int
    label: str
    kind: str = ""
    matched: str = ""

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "label": self.label}
        if self.kind:
            data["kind"] = self.kind
        if self.matched:
            data["matched"] = self.matched
        return data


def check(q: str) -> None:
    if len(q) > MAX_QUERY_LENGTH:
        raise BadQuery(f"Type at most {MAX_QUERY_LENGTH} characters.")
    if any(unicodedata.category(c) in ("Cc", "Cs") and not c.isspace() for c in q):
        raise BadQuery("Type letters, digits and punctuation only.")


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


def _ranked(queryset: QuerySet, text: str, extra: list[tuple[int, Q]] | None = None) -> QuerySet:
    tiers, matches = _tiers(text)
    for rank, condition in extra or []:
        tiers.insert(0, (rank, condition))
        matches |= condition
    rank = Case(
        *(When(condition, then=Value(rank)) for rank, condition in tiers),
        default=Value(SIMILAR),
        output_field=IntegerField(),
    )
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
    text = prepare(q)
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
        )[:candidates]
    )
    best: dict[int, tuple[tuple, Result]] = {}
    for pk, title, rank, fuzzy, length, code in by_title:
        best[pk] = ((rank, -fuzzy, length, 0, code), Result(id=pk, label=title))
    for pk, title, rank, fuzzy, length, code, alternative in by_alternative:
        key = (rank, -fuzzy, length, 1, code)
        if pk not in best or key < best[pk][0]:
            best[pk] = (key, Result(id=pk, label=title, matched=alternative))
    ranked = sorted(best.values(), key=lambda pair: pair[0])
    return [result for _, result in ranked[:limit]]


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
    extra = []
    if text in COUNTRY_ALIASES:
        extra.append((EXACT, Q(kind=Place.Kind.COUNTRY, country=COUNTRY_ALIASES[text])))
    weight = Case(
        # Someone typing "rem" more likely means Remote than Remscheid.
        When(kind=Place.Kind.REMOTE, then=Value(10**12)),
        default=F("population"),
        output_field=BigIntegerField(),
    )
    rows = (
        _ranked(queryset, text, extra)
        .annotate(weight=weight)
        .order_by("rank", "-fuzzy", "-weight", "name", "id")
        .only("id", "kind", "name", "country", "admin1")[:limit]
    )
    return [Result(id=place.pk, label=place.label, kind=place.kind) for place in rows]
