"""Ranking recruiters for a seeker's targets, with the reasons in words.

A recruiter is a candidate when they cover an occupation in the same ISCO-08
minor group as one of the seeker's occupations *and* a place that fits one of
the seeker's places. Candidates are ranked by, in this order:

1. occupation: the same unit group (2), or only the same minor group (1);
2. place: the same place (5: city, country, or Remote for Remote), a city
   within ``RECRUITERS_NEARBY_KM`` (4), the whole country of the seeker's city
   or a city in the seeker's country (3), another city in the same country
   (2), or remote roles for a seeker who wants on-site work (1);
3. secondary signals: the seeker's seniority among the levels they place (3),
   each shared language (2) and each of their specialisms found in the seeker's
   skills or CV (1).

All of it is computed in SQL on :class:`~recruiters.models.Coverage` alone
(an index range per minor group and country, or latitude band for nearby
cities across a border; distances by the equirectangular approximation, which
is exact enough within a hundred kilometres), grouped per recruiter, sorted
and cut to one page. A second query fetches the page's rows with the same tier
expressions to put the reasons into words, and a third marks recruiters who had
a packet from this seeker in the last ``RECRUITERS_RESEND_AFTER_DAYS`` days:
the page runs the same queries whatever the size of the directory.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, F, IntegerField, Max, Q, QuerySet, Value, When
from django.db.models.expressions import CombinedExpression
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils import timezone
from django_countries import countries

from profiles.models import CV, Profile
from taxonomy.models import Occupation, Place
from taxonomy.text import normalise

from .models import Coverage, Delivery, Keyword, Recruiter, seniority_bit

KM_PER_DEGREE = 111.195  # of latitude (and of longitude at the equator)

OCCUPATION_UNIT = 2
OCCUPATION_MINOR = 1
PLACE_SAME = 5
PLACE_NEARBY = 4
PLACE_COUNTRY = 3
PLACE_SAME_COUNTRY = 2
PLACE_REMOTE = 1

SENIORITY_POINTS = 3
LANGUAGE_POINTS = 2
KEYWORD_POINTS = 1
MAX_KEYWORDS = 10
# How much of a CV's text is read for keywords: a CV's first pages say what matters.
CV_KEYWORD_CHARS = 20_000
_WORD = re.compile(r"\S+")


# --- What the seeker is looking for --------------------------------------------------------


@dataclass(frozen=True)
class Targets:
    """A seeker's targets and signals, as matching uses them."""

    occupations: tuple[Occupation, ...]
    places: tuple[Place, ...]
    seniority: str = ""
    languages: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    @property
    def minor_groups(self) -> list[str]:
        return sorted({o.code[:3] for o in self.occupations})

    @property
    def cities(self) -> list[Place]:
        return [
            p
            for p in self.places
            if p.kind == Place.Kind.CITY and p.latitude is not None and p.longitude is not None
        ]

    @property
    def city_countries(self) -> list[str]:
        cities = [p for p in self.places if p.kind == Place.Kind.CITY and p.country]
        return sorted({str(p.country) for p in cities})

    @property
    def target_countries(self) -> list[str]:
        return sorted(
            {str(p.country) for p in self.places if p.kind == Place.Kind.COUNTRY and p.country}
        )

    @property
    def wants_remote(self) -> bool:
        return any(p.kind == Place.Kind.REMOTE for p in self.places)

    def __bool__(self) -> bool:
        return bool(self.occupations and self.places)


def targets_of(user: Any, *, profile: Profile | None = None) -> Targets:
    """The seeker's targets from their profile and current CV (about four queries)."""
    profile = profile or (
        Profile.objects.filter(user=user)
        .prefetch_related("target_occupations", "target_places")
        .first()
    )
    if profile is None or not profile.open_to_recruiters:
        return Targets(occupations=(), places=())
    return Targets(
        occupations=tuple(profile.target_occupations.all()),
        places=tuple(profile.target_places.all()),
        seniority=profile.seniority,
        languages=tuple(sorted({t for t in map(normalise, profile.languages) if t})),
        keywords=tuple(seeker_keywords(user=user, skills=profile.skills)),
    )


def seeker_keywords(*, user: Any, skills: Sequence[str]) -> list[str]:
    """Recruiters' specialisms found in the seeker's skills or current CV, best first.

    Reading a CV for keywords is bounded (its first ``CV_KEYWORD_CHARS``) and
    cached per CV, skills and vocabulary; the usual cost is two small queries.
    """
    cv = (
        CV.objects.ready()
        .filter(owner=user, is_current=True)
        .values_list("pk", "checked_at")
        .first()
    )
    newest_term = Keyword.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    skill_terms = [t for t in map(normalise, skills) if t]
    cache_key = "recruiters:seeker-keywords:{}:{}:{}:{}".format(
        cv[0] if cv else 0,
        int(cv[1].timestamp()) if cv and cv[1] else 0,
        newest_term,
        hashlib.sha256("|".join(skill_terms).encode()).hexdigest()[:16],
    )
    found = cache.get(cache_key)
    if found is None:
        vocabulary = _vocabulary(newest_term)
        counts: Counter[str] = Counter()
        for term in skill_terms:
            if term in vocabulary:
                counts[term] += 1000  # stated skills first
        if cv:
            text = CV.objects.filter(pk=cv[0]).values_list("text", flat=True).first() or ""
            for term in _ngrams(text[:CV_KEYWORD_CHARS]):
                if term in vocabulary:
                    counts[term] += 1
        found = [term for term, _ in counts.most_common(MAX_KEYWORDS)]
        cache.set(cache_key, found, 60 * 60 * 24)
    return found


def _vocabulary(version: int) -> frozenset[str]:
    key = f"recruiters:keyword-vocabulary:{version}"
    terms = cache.get(key)
    if terms is None:
        terms = frozenset(Keyword.objects.values_list("term", flat=True))
        cache.set(key, terms, 60 * 60)
    return terms


def _ngrams(text: str, longest: int = 3) -> Iterable[str]:
    """Normalised one-, two- and three-word sequences of a text."""
    tokens: list[str] = []
    for raw in _WORD.findall(text):
        tokens.extend(normalise(raw[:100]).split())
    for size in range(1, longest + 1):
        for start in range(len(tokens) - size + 1):
            yield " ".join(tokens[start : start + size])


# --- The SQL ---------------------------------------------------------------------------


def _distance_squared(city: Place) -> CombinedExpression:
    """Squared distance from ``city`` in degrees of latitude (equirectangular)."""
    squeeze = max(math.cos(math.radians(city.latitude)), 0.01)
    north = F("latitude") - Value(city.latitude)
    east = (F("longitude") - Value(city.longitude)) * Value(squeeze)
    return north * north + east * east


def _nearby(city: Place) -> Q:
    """Cities within RECRUITERS_NEARBY_KM of ``city``: a latitude band the index can
    use, a longitude band, then the circle."""
    radius = settings.RECRUITERS_NEARBY_KM / KM_PER_DEGREE
    squeeze = max(math.cos(math.radians(city.latitude)), 0.01)
    return Q(
        LessThanOrEqual(_distance_squared(city), Value(radius * radius)),
        place_kind=Place.Kind.CITY,
        latitude__range=(city.latitude - radius, city.latitude + radius),
        longitude__range=(city.longitude - radius / squeeze, city.longitude + radius / squeeze),
    )


def _candidates(targets: Targets) -> Q:
    """Rows that fit one of the seeker's occupations and one of their places."""
    countries_or_remote = [*targets.city_countries, *targets.target_countries, ""]
    fits_place = Q(country__in=sorted(set(countries_or_remote)))
    for city in targets.cities:
        fits_place |= _nearby(city)
    return Q(minor_group__in=targets.minor_groups) & fits_place


def _occupation_tier(targets: Targets) -> Case:
    return Case(
        When(occupation_id__in=[o.pk for o in targets.occupations], then=Value(OCCUPATION_UNIT)),
        default=Value(OCCUPATION_MINOR),
        output_field=IntegerField(),
    )


def _place_tier(targets: Targets) -> Case:
    whens = [When(place_id__in=[p.pk for p in targets.places], then=Value(PLACE_SAME))]
    whens += [When(_nearby(city), then=Value(PLACE_NEARBY)) for city in targets.cities]
    if targets.city_countries:
        whens.append(
            When(
                place_kind=Place.Kind.COUNTRY,
                country__in=targets.city_countries,
                then=Value(PLACE_COUNTRY),
            )
        )
    if targets.target_countries:
        whens.append(
            When(
                place_kind=Place.Kind.CITY,
                country__in=targets.target_countries,
                then=Value(PLACE_COUNTRY),
            )
        )
    if targets.city_countries:
        whens.append(
            When(
                place_kind=Place.Kind.CITY,
                country__in=targets.city_countries,
                then=Value(PLACE_SAME_COUNTRY),
            )
        )
    whens.append(When(place_kind=Place.Kind.REMOTE, then=Value(PLACE_REMOTE)))
    return Case(*whens, default=Value(0), output_field=IntegerField())


def _secondary(targets: Targets) -> Any:
    """Points for seniority, shared languages and specialisms (the same on all of a
    recruiter's rows)."""
    total: Any = Value(0)
    bit = seniority_bit(targets.seniority)
    if bit:
        total = total + Case(
            When(GreaterThan(F("seniority_mask").bitand(bit), 0), then=Value(SENIORITY_POINTS)),
            default=Value(0),
            output_field=IntegerField(),
        )
    for language in targets.languages:
        total = total + Case(
            When(languages_key__contains=f"|{language}|", then=Value(LANGUAGE_POINTS)),
            default=Value(0),
            output_field=IntegerField(),
        )
    for keyword in targets.keywords:
        total = total + Case(
            When(keywords_key__contains=f"|{keyword}|", then=Value(KEYWORD_POINTS)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return total


def ranking_queryset(targets: Targets, *, recruiter_ids: Iterable[int] | None = None) -> QuerySet:
    """Recruiter ids with their tiers and points, best first (not yet cut to a page)."""
    rows = Coverage.objects.filter(_candidates(targets))
    if recruiter_ids is not None:
        rows = rows.filter(recruiter_id__in=list(recruiter_ids))
    return (
        rows.values("recruiter_id")
        .annotate(
            occupation=Max(_occupation_tier(targets)),
            place=Max(_place_tier(targets)),
            points=Max(_secondary(targets)),
        )
        .order_by("-occupation", "-place", "-points", "recruiter_id")
    )


# --- Matches -------------------------------------------------------------------------------


@dataclass
class Match:
    recruiter: Recruiter
    occupation_tier: int
    place_tier: int
    points: int
    # The seeker's target and the recruiter's coverage that fit best.
    role: str = ""
    place: str = ""
    summary: str = ""
    details: list[str] = field(default_factory=list)
    last_sent_at: datetime | None = None

    @property
    def can_send(self) -> bool:
        return self.last_sent_at is None

    @property
    def reasons(self) -> list[str]:
        return [self.summary, *self.details]


@dataclass
class MatchPage:
    matches: list[Match]
    has_more: bool
    offset: int
    targets: Targets


def rank_matches(
    targets: Targets,
    *,
    seeker: Any,
    limit: int | None = None,
    offset: int = 0,
    recruiter_ids: Iterable[int] | None = None,
) -> MatchPage:
    """One page of ranked matches, with reasons and who had a packet recently (3 queries)."""
    limit = limit or settings.RECRUITERS_MATCHES_PER_PAGE
    if not targets:
        return MatchPage(matches=[], has_more=False, offset=offset, targets=targets)
    ranked = list(
        ranking_queryset(targets, recruiter_ids=recruiter_ids)[offset : offset + limit + 1]
    )
    has_more = len(ranked) > limit
    ranked = ranked[:limit]
    ids = [row["recruiter_id"] for row in ranked]
    if not ids:
        return MatchPage(matches=[], has_more=False, offset=offset, targets=targets)
    best = _best_rows(targets, ids)
    recent = last_sent_to(seeker=seeker, recruiter_ids=ids)
    matches = []
    for row in ranked:
        coverage = best.get(row["recruiter_id"])
        if coverage is None:  # left the directory between the two queries
            continue
        match = Match(
            recruiter=coverage.recruiter,
            occupation_tier=row["occupation"],
            place_tier=row["place"],
            points=row["points"],
            last_sent_at=recent.get(row["recruiter_id"]),
        )
        _explain(match, coverage, targets)
        matches.append(match)
    return MatchPage(matches=matches, has_more=has_more, offset=offset, targets=targets)


def _best_rows(targets: Targets, ids: list[int]) -> dict[int, Coverage]:
    """Per recruiter, the coverage row that fits best (recruiter, occupation, place joined)."""
    rows = (
        Coverage.objects.filter(_candidates(targets), recruiter_id__in=ids)
        .filter(
            recruiter__active=True,
            recruiter__opted_out_at__isnull=True,
            recruiter__frozen_at__isnull=True,
        )
        .annotate(occupation_tier=_occupation_tier(targets), place_tier=_place_tier(targets))
        .select_related("recruiter", "occupation", "place")
    )
    best: dict[int, Coverage] = {}
    for row in rows:
        current = best.get(row.recruiter_id)
        if current is None or _fit(row, targets) > _fit(current, targets):
            best[row.recruiter_id] = row
    return best


def _fit(row: Any, targets: Targets) -> tuple[int, int, float, int]:
    nearest = min((_km(row.place, city) for city in targets.cities), default=0.0)
    return (row.occupation_tier, row.place_tier, -nearest, -row.place_id)


def last_sent_to(*, seeker: Any, recruiter_ids: Iterable[int]) -> dict[int, datetime]:
    """When each of these recruiters last had a packet from the seeker that counts
    against sending again (on its way or delivered, in the last 180 days)."""
    since = timezone.now() - timedelta(days=settings.RECRUITERS_RESEND_AFTER_DAYS)
    rows = (
        Delivery.objects.filter(seeker=seeker, recruiter_id__in=list(recruiter_ids))
        .filter(counts_against_resending(since))
        .values("recruiter_id")
        .annotate(last=Max("created_at"))
    )
    return {row["recruiter_id"]: row["last"] for row in rows}


def counts_against_resending(since: datetime) -> Q:
    """Deliveries that stop the seeker sending to the same recruiter again: on their way,
    or delivered (even if revoked afterwards) since ``since``."""
    return Q(state__in=Delivery.IN_FLIGHT) | Q(sent_at__gte=since)


# --- Reasons in words ----------------------------------------------------------------------


def country_name(code: str) -> str:
    return str(countries.name(code)) or code


_WITH_THE = {"Bahamas", "Comoros", "Gambia", "Maldives", "Netherlands", "Philippines", "Seychelles"}


def with_article(name: str) -> str:
    """ "the United Kingdom", "the Netherlands", "France"."""
    if name in _WITH_THE or name.startswith("United ") or name.endswith(("Republic", "Islands")):
        return f"the {name}"
    return name


def _km(a: Place, b: Place) -> float:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return math.inf
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _explain(match: Match, row: Any, targets: Targets) -> None:
    occupation: Occupation = row.occupation
    place: Place = row.place
    same_unit = [o for o in targets.occupations if o.pk == occupation.pk]
    related = [o for o in targets.occupations if o.code[:3] == occupation.code[:3]]
    seeker_occupation = (same_unit or related or list(targets.occupations))[0]
    match.role = seeker_occupation.title
    if match.occupation_tier == OCCUPATION_UNIT:
        what = f"places {occupation.title}"
    else:
        what = f"places {occupation.title} (related to {seeker_occupation.title})"

    tier = row.place_tier
    country = with_article(country_name(place.country.code)) if place.country else ""
    if tier == PLACE_SAME:
        match.place = place.name
        if place.kind == Place.Kind.REMOTE:
            where = "in remote roles"
        elif place.kind == Place.Kind.COUNTRY:
            where = f"across {with_article(place.name)}"
        else:
            where = f"in {place.name}"
    elif tier == PLACE_NEARBY:
        city = min(targets.cities, key=lambda c: _km(place, c))
        match.place = city.name
        where = f"in {place.name}, {round(_km(place, city))} km from {city.name}"
    elif tier == PLACE_COUNTRY and place.kind == Place.Kind.COUNTRY:
        city = next((c for c in targets.places if str(c.country) == place.country.code), None)
        match.place = city.name if city else country
        where = f"across {country}"
    elif tier == PLACE_COUNTRY:
        match.place = country
        where = f"in {place.name}, {country}"
    elif tier == PLACE_SAME_COUNTRY:
        city = next((c for c in targets.cities if str(c.country) == place.country.code), None)
        match.place = city.name if city else country
        where = f"in {place.name}, elsewhere in {country}"
    else:
        match.place = "Remote"
        where = "in remote roles"
    match.summary = f"{what} {where}"[0].upper() + f"{what} {where}"[1:]
    match.details = _secondary_words(match.recruiter, targets)


def _secondary_words(recruiter: Recruiter, targets: Targets) -> list[str]:
    words = []
    if targets.seniority and targets.seniority in recruiter.seniority_levels:
        label = dict(Profile.Seniority.choices).get(targets.seniority, targets.seniority)
        words.append(f"Works with {label.lower()} candidates")
    spoken = {normalise(language): language for language in recruiter.languages}
    shared = [spoken[t] for t in targets.languages if t in spoken]
    if shared:
        words.append("Works in " + _and(shared))
    specialisms = {normalise(k): k for k in recruiter.keywords}
    common = [specialisms[t] for t in targets.keywords if t in specialisms]
    if common:
        words.append("Specialises in " + _and(common) + ", as in your CV or skills")
    return words


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- Counting, for anyone ------------------------------------------------------------------


def count_covering(*, occupation: Occupation, place: Place) -> int:
    """How many reachable recruiters match one role and place (the landing page's count:
    a number, never names)."""
    targets = Targets(occupations=(occupation,), places=(place,))
    return Coverage.objects.filter(_candidates(targets)).values("recruiter_id").distinct().count()
