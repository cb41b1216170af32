"""Ranking recruiters for a seeker's targets, with the reasons in words.

A seeker's targets are pairs, a job in a place ("lawyer in London"), never
crossed with another target's places. A recruiter is a candidate when they cover
one target's occupation (or, for a seeker who asked for related roles, an
occupation in the same ISCO-08 minor group) *and* a place that fits one of that
same target's places. Candidates are ranked by, in this order:

1. occupation: the same unit group (2), or only the same minor group (1, for
   seekers who asked for related roles);
2. place: the same place (5: city, country, or Remote for Remote), a city
   within ``RECRUITERS_NEARBY_KM`` (4), the whole country of the seeker's city
   or a city in a country the seeker chose as a whole (3), or remote roles for
   a seeker who wants on-site work (1). A recruiter who places people only in
   another city of the same country is not a match: they cannot place the
   seeker where the seeker wants to work;
3. how the recruiter treats packets (``recruiters.rates``): those who answer, then
   those without a record, then those who received packets and opened none;
4. secondary signals: the seeker's seniority among the levels they place (3),
   each shared language (2) and each of their specialisms found in the seeker's
   skills or CV (1).

All of it is computed in one SQL statement on :class:`~recruiters.models.Coverage`
alone (index-only ranges, per target: its places, whole countries and Remote in
its minor group, and the cities near each of its cities, across borders too, found
in the taxonomy's own index first, by the equirectangular approximation, exact
enough within a hundred kilometres), grouped per recruiter, sorted and cut to one
page, then joined with the page's recruiters, their best-fitting target, occupation
and place, how fast they usually answer (for the reasons in words) and the seeker's
packets to them in the last
``promises.RESEND_AFTER_DAYS`` days. One query, whatever the directory size.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language, gettext_noop, ngettext
from django.utils.translation import gettext as _
from django_countries import countries

from privacy import promises
from profiles.models import CV, Profile, with_targets
from taxonomy.models import Occupation, Place, in_place, target_words, with_article
from taxonomy.text import normalise

from .models import Delivery, Keyword, seniority_bit

KM_PER_DEGREE = 111.195  # of latitude (and of longitude at the equator)

OCCUPATION_UNIT = 2
OCCUPATION_MINOR = 1
PLACE_SAME = 5
PLACE_NEARBY = 4
PLACE_COUNTRY = 3
PLACE_REMOTE = 1

SENIORITY_POINTS = 3
LANGUAGE_POINTS = 2
KEYWORD_POINTS = 1
MAX_KEYWORDS = 10
# "Usually answers within 3 days" only once a recruiter has answered this many packets.
ANSWERS_BEFORE_WORDS = 3
# How much of a CV's text is read for keywords: a CV's first pages say what matters.
CV_KEYWORD_CHARS = 20_000
_WORD = re.compile(r"\S+")


# --- What the seeker is looking for --------------------------------------------------------


@dataclass(frozen=True)
class Role:
    """A job as the seeker named it ("Solicitor") with the places they want it in: their
    targets with this occupation and title, each place paired with this job alone."""

    occupation: Occupation
    label: str
    places: tuple[Place, ...]

    @property
    def minor_group(self) -> str:
        return self.occupation.code[:3]

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


@dataclass(frozen=True)
class Targets:
    """A seeker's targets and signals, as matching uses them."""

    roles: tuple[Role, ...]
    # Recruiters for other occupations of a role's minor group match too (ranked after).
    related: bool = False
    seniority: str = ""
    languages: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    @property
    def labels(self) -> list[str]:
        """ "Solicitor in London, United Kingdom", one per target."""
        return [in_place(role.label, place) for role in self.roles for place in role.places]

    def __bool__(self) -> bool:
        return any(role.places for role in self.roles)


def roles_of(targets: Iterable[Any]) -> tuple[Role, ...]:
    """Targets (occupation, title and place each) grouped by job, in the seeker's order."""
    roles: dict[tuple[int, str], tuple[Occupation, list[Place]]] = {}
    for target in targets:
        key = (target.occupation_id, target.role)
        roles.setdefault(key, (target.occupation, []))[1].append(target.place)
    return tuple(
        Role(occupation=occupation, label=label, places=tuple(places))
        for (_, label), (occupation, places) in roles.items()
    )


def targets_of(user: Any, *, profile: Profile | None = None) -> Targets:
    """The seeker's targets from their profile and current CV (about four queries)."""
    profile = profile or Profile.objects.filter(user=user).prefetch_related(with_targets()).first()
    if profile is None or not profile.open_to_recruiters:
        return Targets(roles=())
    return Targets(
        roles=roles_of(profile.targets.all()),
        related=profile.related_roles,
        seniority=profile.seniority,
        languages=tuple(sorted({t for t in map(normalise, profile.languages) if t})),
        keywords=tuple(seeker_keywords(user=user, skills=profile.skills)),
    )


def seeker_keywords(*, user: Any, skills: Sequence[str]) -> list[str]:
    """Recruiters' specialisms found in the seeker's skills or current CV, best first.

    Found afresh each time, never cached: they are read from the person's CV, and a copy
    kept in the cache would outlive the CV and the person's erasure. Reading is bounded
    (the first ``CV_KEYWORD_CHARS`` of the text, a few milliseconds) and costs two small
    queries: the text and the vocabulary's version.
    """
    text = (
        CV.objects.ready()
        .filter(owner=user, is_current=True)
        .values_list(Substr("text", 1, CV_KEYWORD_CHARS), flat=True)
        .first()
    )
    newest_term = Keyword.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    vocabulary = _vocabulary(newest_term)
    counts: Counter[str] = Counter()
    for term in filter(None, map(normalise, skills)):
        if term in vocabulary:
            counts[term] += 1000  # stated skills first
    for term in _ngrams(text or ""):
        if term in vocabulary:
            counts[term] += 1
    return [term for term, _ in counts.most_common(MAX_KEYWORDS)]


def _vocabulary(version: int) -> frozenset[str]:
    key = f"recruiters:keyword-vocabulary:{version}"
    terms: frozenset[str] | None = cache.get(key)
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


# --- The SQL -------------------------------------------------------------------------------
#
# One statement ranks and fills a page. It is written by hand, not with the ORM: it is the
# hottest query of the product, and compiling it from ORM expressions took longer than
# PostgreSQL took to run it (bench/matching.py holds Python's share to the raw statement).
# Standard SQL, run by PostgreSQL and SQLite alike, with parameters for every value.
#
# Each candidate row gets ``fit`` = (occupation tier x 10 + place tier) x 16 + the number
# of the seeker's role it was found for (``_rank``; roles are fewer than 16). Per
# recruiter, the best row is found with one MAX over ``fit * 2^40 + place_id * 2^16 +
# occupation_id`` (taxonomy ids are far below those bounds), so the page's role and place
# come out of the same aggregate, the place joined after the LIMIT.

FIT_SCALE = 10
_BEST = 2**40
_PLACE = 2**16
MAX_ROLES = 16


class _Statement:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.params: list[Any] = []

    def add(self, text: str, *params: Any) -> _Statement:
        self.parts.append(text)
        self.params.extend(params)
        return self

    def sql(self) -> str:
        return " ".join(self.parts)


def _marks(values: Iterable[Any]) -> tuple[str, list[Any]]:
    items = list(values)
    return ", ".join(["%s"] * len(items)), items


def _near(city: Place) -> tuple[str, list[Any]]:
    """Rows of the cities within RECRUITERS_NEARBY_KM of ``city``: the cities are found in
    the taxonomy (a latitude range of its index, a longitude band, then the circle,
    equirectangular), and their rows by place, one range of the index each."""
    lat, lon = city.latitude, city.longitude
    assert lat is not None and lon is not None, "Role.cities are the cities with coordinates"
    radius = settings.RECRUITERS_NEARBY_KM / KM_PER_DEGREE
    squeeze = max(math.cos(math.radians(lat)), 0.01)
    sql = (
        "place_id IN (SELECT id FROM taxonomy_place WHERE kind = 'city' "
        "AND latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s "
        "AND (latitude - %s) * (latitude - %s) "
        "+ (longitude - %s) * %s * (longitude - %s) * %s <= %s)"
    )
    params = [
        lat - radius, lat + radius, lon - radius / squeeze, lon + radius / squeeze,
        lat, lat, lon, squeeze, lon, squeeze, radius * radius,
    ]  # fmt: skip
    return sql, params


_ROW = (
    "recruiter_id, occupation_id, place_id, responsiveness, seniority_mask, languages_key, "
    "keywords_key"
)


def _candidates(
    targets: Targets, recruiter_ids: list[int] | None, *, needed: int | None = None
) -> _Statement:
    """Rows that fit one of the seeker's roles (its occupation, or its minor group for
    related roles) and one of that role's places, each with its fit: the occupation's
    tier, and the place's: the place itself (5), a city near one of the role's, across
    borders too (4), the whole country of one of its cities or a city of a country it
    names (3), Remote (1). Roles wanted in the same places share their parts (profiles
    from before targets were pairs have nothing else). Each part is one range of a
    covering index. A row found by two parts is found by the better one too, so the best
    fit is its MAX.

    With ``needed`` (the rows a page needs, from the first), place tiers are read best
    first and a tier is read only while the better ones found fewer recruiters than
    that: a recruiter's fit is the best tier they are found in, so when the better tiers
    fill the page, the worse ones cannot change it (in a big market, a seeker in London
    never reads the recruiters of the whole country or of remote roles). Not for related
    roles, whose parts mix two occupation tiers."""
    only: tuple[str, list[Any]] = ("", [])
    if recruiter_ids is not None:
        marks, ids = _marks(recruiter_ids or [0])
        only = (f"AND recruiter_id IN ({marks})", ids)
    same_places: dict[tuple[int, ...], list[tuple[int, Role]]] = {}
    for number, role in enumerate(targets.roles[:MAX_ROLES]):
        same_places.setdefault(tuple(p.pk for p in role.places), []).append((number, role))
    tiers: dict[int, _Statement] = {}
    for roles in same_places.values():
        job, job_params, fit, fit_params = _occupation_fit(roles, related=targets.related)
        for tier, where, params in _place_parts(roles[0][1]):
            part = tiers.setdefault(tier, _Statement())
            part.add("UNION ALL" if part.parts else "")
            part.add(
                # Our own SQL text and placeholders: every value goes as a parameter.
                f"SELECT {_ROW}, {fit} + {tier * MAX_ROLES} AS fit "  # noqa: S608  # nosec B608
                "FROM recruiters_coverage",
                *fit_params,
            )
            part.add(f"WHERE {job} AND {where}", *job_params, *params)
            part.add(only[0], *only[1])
    ordered = [tiers[tier] for tier in sorted(tiers, reverse=True)]
    statement = _Statement()
    if needed is None or targets.related or len(ordered) == 1:
        for part in ordered:
            statement.add("UNION ALL" if statement.parts else "").add(part.sql(), *part.params)
        return statement
    names = [f"tier{n}" for n in range(len(ordered))]
    for n, part in enumerate(ordered):
        statement.add(("WITH " if n == 0 else ", ") + f"{names[n]} AS (")
        if n == 0:
            statement.add(part.sql(), *part.params).add(")")
            continue
        better = " UNION ALL ".join(
            f"SELECT recruiter_id FROM {name}"  # noqa: S608  # nosec B608
            for name in names[:n]
        )
        statement.add(f"SELECT * FROM ({part.sql()}) AS part", *part.params)  # noqa: S608  # nosec B608
        statement.add(
            "WHERE (SELECT COUNT(DISTINCT recruiter_id) "  # noqa: S608  # nosec B608
            f"FROM ({better}) AS better) < %s)",
            needed,
        )
    return statement.add(" UNION ALL ".join(f"SELECT * FROM {name}" for name in names))  # noqa: S608  # nosec B608


def _occupation_fit(
    roles: list[tuple[int, Role]], *, related: bool
) -> tuple[str, list[Any], str, list[Any]]:
    """For roles wanted in the same places: the condition on a row's occupation, and its
    occupation tier and role as ``tier * 10 * MAX_ROLES + role`` (``_rank``), both with
    their parameters."""
    groups, group_params = _marks(dict.fromkeys(role.minor_group for _, role in roles))
    ids, id_params = _marks(role.occupation.pk for _, role in roles)
    unit, minor = OCCUPATION_UNIT * FIT_SCALE * MAX_ROLES, OCCUPATION_MINOR * FIT_SCALE * MAX_ROLES
    cases: list[tuple[str, Any, int]] = [
        ("occupation_id = %s", role.occupation.pk, unit + _rank(n)) for n, role in roles
    ]
    job = f"minor_group IN ({groups}) AND occupation_id IN ({ids})"
    params = [*group_params, *id_params]
    if related:
        cases += [("minor_group = %s", role.minor_group, minor + _rank(n)) for n, role in roles]
        job, params = f"minor_group IN ({groups})", group_params
    fit = "CASE " + " ".join(f"WHEN {when} THEN {then}" for when, _, then in cases) + " END"
    return job, params, fit, [value for _, value, _ in cases]


def _rank(number: int) -> int:
    """A role's number in the statement and back: the seeker's first role is the largest,
    so that of two that fit as well, the best row names the one they chose first."""
    return MAX_ROLES - 1 - number


def _place_parts(role: Role) -> list[tuple[int, str, list[Any]]]:
    """(place tier, condition, parameters) for the places that fit one of the role's."""
    places, place_ids = _marks(p.pk for p in role.places)
    parts: list[tuple[int, str, list[Any]]] = [
        (PLACE_SAME, f"place_id IN ({places})", place_ids),
        (PLACE_REMOTE, "place_kind = 'remote' AND country = ''", []),
    ]
    # Whole countries of the role's cities, and cities in the countries it names.
    for kind, codes in (("country", role.city_countries), ("city", role.target_countries)):
        if codes:
            marks, params = _marks(codes)
            parts.append((PLACE_COUNTRY, f"place_kind = '{kind}' AND country IN ({marks})", params))
    for city in role.cities:
        parts.append((PLACE_NEARBY, *_near(city)))
    return parts


def _scored(targets: Targets, recruiter_ids: list[int] | None, needed: int) -> _Statement:
    """The candidate rows with their fit (with the role) and points."""
    points, point_params = _points(targets)
    rows = _candidates(targets, recruiter_ids, needed=needed)
    statement = _Statement()
    statement.add(
        f"SELECT recruiter_id, fit, responsiveness, {points} AS points, occupation_id, place_id",
        *point_params,
    )
    return statement.add("FROM (").add(rows.sql(), *rows.params).add(") AS candidate")


def _points(targets: Targets) -> tuple[str, list[Any]]:
    """Secondary points of a row (the same on all of a recruiter's rows). Computed per
    row: cheaper than carrying the text columns through the aggregate."""
    sql: list[str] = ["0"]
    params: list[Any] = []
    bit = seniority_bit(targets.seniority)
    if bit:
        sql.append(f"+ CASE WHEN (seniority_mask & %s) > 0 THEN {SENIORITY_POINTS} ELSE 0 END")
        params.append(bit)
    for language in targets.languages:
        sql.append(f"+ CASE WHEN languages_key LIKE %s THEN {LANGUAGE_POINTS} ELSE 0 END")
        params.append(f"%|{_like(language)}|%")
    for keyword in targets.keywords:
        sql.append(f"+ CASE WHEN keywords_key LIKE %s THEN {KEYWORD_POINTS} ELSE 0 END")
        params.append(f"%|{_like(keyword)}|%")
    return " ".join(sql), params


def _like(term: str) -> str:
    # Normalised terms hold only letters, digits and spaces; nothing to escape.
    return term.replace("%", "").replace("_", "")


def ranking_statement(
    targets: Targets,
    *,
    seeker_id: int,
    limit: int,
    offset: int = 0,
    recruiter_ids: list[int] | None = None,
) -> tuple[str, list[Any]]:
    """The page's statement: ranked recruiters with their best-fitting role, occupation
    and place, and when this seeker last sent them a packet that still counts."""
    rows = _scored(targets, recruiter_ids, needed=offset + limit)
    since = timezone.now() - timedelta(days=promises.RESEND_AFTER_DAYS)
    in_flight, in_flight_params = _marks(Delivery.IN_FLIGHT)
    statement = _Statement()
    # Our own SQL text and placeholders: every value goes as a parameter.
    statement.add(
        "SELECT ranked.recruiter_id, ranked.best, ranked.points, "  # noqa: S608  # nosec B608
        "r.name, r.agency, r.website, r.seniority_levels, r.languages, r.keywords, "
        "r.packets_answered, r.answer_days, "
        "p.name, p.kind, p.country, p.latitude, p.longitude, "
        "(SELECT MAX(d.created_at) FROM recruiters_delivery d WHERE d.seeker_id = %s "
        f"AND d.recruiter_id = ranked.recruiter_id AND (d.state IN ({in_flight}) "
        "OR d.sent_at >= %s)) AS last_sent",
        seeker_id,
        *in_flight_params,
        since,
    )
    statement.add(
        f"FROM (SELECT recruiter_id, MAX(fit) / {MAX_ROLES} AS fit, "
        "MAX(responsiveness) AS responsiveness, MAX(points) AS points, "
        f"MAX(fit * {_BEST} + place_id * {_PLACE} + occupation_id) AS best"
    )
    statement.add("FROM (").add(rows.sql(), *rows.params).add(") AS scored")
    statement.add(
        "GROUP BY recruiter_id ORDER BY fit DESC, responsiveness DESC, points DESC, recruiter_id"
    )
    statement.add("LIMIT %s OFFSET %s) AS ranked", limit, offset)
    statement.add("JOIN recruiters_recruiter r ON r.id = ranked.recruiter_id")
    statement.add(f"JOIN taxonomy_place p ON p.id = (ranked.best %% {_BEST}) / {_PLACE}")
    statement.add(
        "WHERE r.active AND r.opted_out_at IS NULL AND r.frozen_at IS NULL"
        " AND r.suspended_at IS NULL"
    )
    statement.add(
        "ORDER BY ranked.fit DESC, ranked.responsiveness DESC, ranked.points DESC, "
        "ranked.recruiter_id"
    )
    return statement.sql(), statement.params


# --- Matches -------------------------------------------------------------------------------


@dataclass(slots=True)
class RecruiterCard:
    """A matched recruiter as pages show them (not a model: ranking builds fifty a page)."""

    pk: int
    name: str
    agency: str = ""
    website: str = ""
    seniority_levels: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.name}, {self.agency}" if self.agency else self.name


@dataclass(slots=True)
class _Fitting:
    """The recruiter's place that fits the seeker's role best."""

    name: str
    kind: str
    country: str
    latitude: float | None
    longitude: float | None


@dataclass
class Match:
    recruiter: RecruiterCard
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
    def target(self) -> str:
        """The seeker's target this recruiter fits: "Lawyer in London"."""
        return target_words(self.role, "" if self.place == "Remote" else self.place)

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
    """One page of ranked matches with reasons and recent packets: one query."""
    limit = limit or settings.RECRUITERS_MATCHES_PER_PAGE
    if not targets:
        return MatchPage(matches=[], has_more=False, offset=offset, targets=targets)
    ids = list(recruiter_ids) if recruiter_ids is not None else None
    sql, params = ranking_statement(
        targets, seeker_id=seeker.pk, limit=limit + 1, offset=offset, recruiter_ids=ids
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    words = _words(get_language() or "")
    matches = [_match(row, targets, words) for row in rows[:limit]]
    return MatchPage(matches=matches, has_more=len(rows) > limit, offset=offset, targets=targets)


def _when(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    parsed = parse_datetime(str(value))  # SQLite hands back text
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def _match(row: Sequence[Any], targets: Targets, words: _Words) -> Match:
    (recruiter_id, best, points, name, agency, website, levels, languages, keywords,
     answered, answer_days, place_name, kind, country, latitude, longitude,
     last_sent) = row  # fmt: skip
    fit, rank = divmod(best // _BEST, MAX_ROLES)
    # The three JSON columns come as their text: one array of the three, decoded at once.
    levels, languages, keywords = json.loads(f"[{levels},{languages},{keywords}]")
    match = Match(
        recruiter=RecruiterCard(
            pk=recruiter_id,
            name=name,
            agency=agency,
            website=website,
            seniority_levels=tuple(levels or ()),
            languages=tuple(languages or ()),
            keywords=tuple(keywords or ()),
        ),
        occupation_tier=fit // FIT_SCALE,
        place_tier=fit % FIT_SCALE,
        points=points,
        last_sent_at=_when(last_sent),
    )
    fitting = _Fitting(place_name, kind, country or "", latitude, longitude)
    _explain(match, fitting, targets.roles[_rank(rank)], words)
    match.details = _secondary_words(match.recruiter, targets, words)
    if answered >= ANSWERS_BEFORE_WORDS and answer_days is not None:
        match.details.insert(0, words.answers_within(answer_days))
    return match


# --- Reasons in words ----------------------------------------------------------------------
#
# A page's reasons repeat a dozen phrases, so the phrases are translated once per language
# (the catalogue does not change while the process runs) and each reason is a look-up and
# a format: translating them anew for each of fifty recruiters cost more than the query.

_PHRASES = {
    "unit": gettext_noop("Recruits for %(role)s"),
    "related": gettext_noop("Recruits for roles related to %(role)s"),
    "remote": gettext_noop("in remote roles"),
    "across": gettext_noop("across %(country)s"),
    "in": gettext_noop("in %(place)s"),
    "near": gettext_noop("in %(place)s, %(km)d km from %(city)s"),
    "in country": gettext_noop("in %(place)s, %(country)s"),
    "level": gettext_noop("Works with %(level)s candidates"),
    "languages": gettext_noop("Works in %(languages)s"),
    "topics": gettext_noop("Specialises in %(topics)s, as in your CV or skills"),
    "and": gettext_noop("%(first)s and %(last)s"),
}


class _Words:
    """The reasons' phrases, seniority levels and country names in one language."""

    def __init__(self, language: str) -> None:  # the active language: the cache's key
        self.phrases = {key: _(phrase) for key, phrase in _PHRASES.items()}
        self.levels = {key: str(label).lower() for key, label in Profile.Seniority.choices}
        self.countries: dict[str, str] = {}
        self.answers: dict[int, str] = {}

    def country(self, code: str) -> str:
        """ "the United Kingdom", "France"."""
        if code not in self.countries:
            self.countries[code] = with_article(str(countries.name(code)) or code)
        return self.countries[code]

    def answers_within(self, days: int) -> str:
        if days not in self.answers:
            self.answers[days] = ngettext(
                "Usually answers within %(days)d day", "Usually answers within %(days)d days", days
            ) % {"days": days}
        return self.answers[days]

    def listed(self, items: list[str]) -> str:
        if len(items) == 1:
            return items[0]
        return self.phrases["and"] % {"first": ", ".join(items[:-1]), "last": items[-1]}


_words = lru_cache(maxsize=16)(_Words)


def _km(a: Any, b: Any) -> float:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return math.inf
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _explain(match: Match, fitting: _Fitting, role: Role, words: _Words) -> None:
    """The reason in words, in the seeker's own words for the job ("Solicitor"), never
    the recruiter's classification."""
    phrase = words.phrases
    match.role = role.label
    what = phrase["unit" if match.occupation_tier == OCCUPATION_UNIT else "related"]
    what %= {"role": role.label}

    tier, name, code = match.place_tier, fitting.name, fitting.country
    country = words.country(code) if code else ""
    if tier == PLACE_SAME:
        match.place = name
        if fitting.kind == Place.Kind.REMOTE:
            where = phrase["remote"]
        elif fitting.kind == Place.Kind.COUNTRY:
            match.place = with_article(name)
            where = phrase["across"] % {"country": match.place}
        else:
            where = phrase["in"] % {"place": name}
    elif tier == PLACE_NEARBY:
        city = min(role.cities, key=lambda c: _km(fitting, c))
        match.place = city.name
        where = phrase["near"] % {"place": name, "km": round(_km(fitting, city)), "city": city.name}
    elif tier == PLACE_COUNTRY and fitting.kind == Place.Kind.COUNTRY:
        in_country = next((c for c in role.places if str(c.country) == code), None)
        match.place = in_country.name if in_country else country
        where = phrase["across"] % {"country": country}
    elif tier == PLACE_COUNTRY:
        match.place = country
        where = phrase["in country"] % {"place": name, "country": country}
    else:
        match.place = "Remote"  # a value the packet email compares, not words
        where = phrase["remote"]
    match.summary = f"{what} {where}"


_norm = lru_cache(maxsize=8192)(normalise)


def _secondary_words(recruiter: RecruiterCard, targets: Targets, words: _Words) -> list[str]:
    phrase, found = words.phrases, []
    if targets.seniority and targets.seniority in recruiter.seniority_levels:
        level = words.levels.get(targets.seniority) or targets.seniority.lower()
        found.append(phrase["level"] % {"level": level})
    if targets.languages:
        spoken = {_norm(language): language for language in recruiter.languages}
        shared = [spoken[t] for t in targets.languages if t in spoken]
        if shared:
            found.append(phrase["languages"] % {"languages": words.listed(shared)})
    if targets.keywords:
        specialisms = {_norm(k): k for k in recruiter.keywords}
        common = [specialisms[t] for t in targets.keywords if t in specialisms]
        if common:
            found.append(phrase["topics"] % {"topics": words.listed(common)})
    return found


def words_and(items: list[str]) -> str:
    return _words(get_language() or "").listed(items)


# --- Counting, for anyone ------------------------------------------------------------------


def count_candidates(targets: Targets) -> int:
    """How many reachable recruiters match these targets."""
    if not targets:
        return 0
    rows = _candidates(targets, None)
    with connection.cursor() as cursor:
        # Our own SQL text and placeholders: every value goes as a parameter.
        sql = f"SELECT COUNT(DISTINCT recruiter_id) FROM ({rows.sql()}) AS c"  # noqa: S608  # nosec B608
        cursor.execute(sql, rows.params)
        return int(cursor.fetchone()[0])


def count_covering(*, occupation: Occupation, place: Place) -> int:
    """How many reachable recruiters match one role and place (the landing page's count:
    a number, never names)."""
    role = Role(occupation=occupation, label="", places=(place,))
    return count_candidates(Targets(roles=(role,)))
