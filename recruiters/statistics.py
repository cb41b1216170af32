"""The market for a role and a place, as seekers see it before they send: how many
recruiters cover it, how their packets fare, how soon they answer (§3.3 aggregates).

Released only through ``privacy.accountability.aggregates.release``: a figure shows when at least
``K`` = 10 people stand behind it, else the page says "not enough data yet". A cell
is an occupation and a place; its recruiters are those whose listing names both
(the matching index); its packets are the ones those recruiters received. Behind a
packet figure stand the seekers who sent the packets *and* the recruiters who
received them, so a cell's people are the fewer of the two: no figure describes one
seeker's packets, or one recruiter's habits. Pages read the released figures from
:class:`~recruiters.models.MarketFigures`, which :func:`refresh_markets` rewrites
hourly from every cell (counting live cost a third of the matches page);
``manage.py export_statistics`` writes every cell.
"""

from __future__ import annotations

import statistics as stats
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone
from django.utils.translation import ngettext

from privacy.accountability import aggregates
from privacy.accountability.aggregates import Rows, statistic
from taxonomy.models import Occupation, Place

from .models import Coverage, MarketFigures

RECRUITERS = "recruiters-by-role-and-place"
PACKETS = "packets-by-role-and-place"
FIRST_ANSWERS = "first-answers-by-role-and-place"
OPENED_WITHIN = timedelta(days=7)
DIMENSIONS = ("occupation", "place_id", "place")
PACKET_MEASURES = ("seekers", "recruiters", "packets", "opened_within_7_days", "answered")
FIGURES = ("recruiters", "opened_share", "answered_share", "median_hours")


def _cells(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], tuple[str, int, str]]:
    """(occupation id, place id) → the cell's dimension values, in two queries."""
    keys = list(keys)
    codes = dict(Occupation.objects.filter(pk__in={o for o, _ in keys}).values_list("pk", "code"))
    places = {p.pk: p for p in Place.objects.filter(pk__in={p for _, p in keys})}
    return {(o, p): (codes[o], p, places[p].label) for o, p in keys}


@statistic(
    RECRUITERS,
    dimensions=DIMENSIONS,
    population="recruiters",
    description="Recruiters in the directory per occupation and place they list (reachable "
    "ones only: the matching index).",
)
def recruiters_by_role_and_place() -> Rows:
    rows = list(
        Coverage.objects.values("occupation_id", "place_id")
        .annotate(people=Count("recruiter_id", distinct=True))
        .order_by()
    )
    cells = _cells((r["occupation_id"], r["place_id"]) for r in rows)
    for row in rows:
        yield {"cell": cells[row["occupation_id"], row["place_id"]], "people": row["people"]}


@statistic(
    PACKETS,
    dimensions=DIMENSIONS,
    measures=PACKET_MEASURES,
    population="packets-to-recruiters",
    description="Packets sent at least 7 days ago to the recruiters who list an occupation "
    "and a place: how many were opened within 7 days and how many answered. People: the "
    "fewer of the seekers who sent them and the recruiters who received them.",
)
def packets_by_role_and_place() -> Rows:
    delivery = "recruiter__deliveries"
    old_enough = Q(**{f"{delivery}__sent_at__lte": timezone.now() - OPENED_WITHIN})
    opened = Q(**{f"{delivery}__opened_at__lte": F(f"{delivery}__sent_at") + OPENED_WITHIN})
    answered = Q(**{f"{delivery}__answers__isnull": False})
    rows = list(
        Coverage.objects.filter(old_enough)
        .values("occupation_id", "place_id")
        .annotate(
            seekers=Count(f"{delivery}__seeker", distinct=True),
            recruiters=Count("recruiter_id", distinct=True),
            packets=Count(delivery, distinct=True),
            opened_within_7_days=Count(delivery, distinct=True, filter=opened),
            answered=Count(delivery, distinct=True, filter=answered),
        )
        .order_by()
    )
    cells = _cells((r["occupation_id"], r["place_id"]) for r in rows)
    for row in rows:
        yield {
            "cell": cells[row["occupation_id"], row["place_id"]],
            "people": min(row["seekers"], row["recruiters"]),
            "measures": {m: row[m] for m in PACKET_MEASURES},
        }


@statistic(
    FIRST_ANSWERS,
    dimensions=DIMENSIONS,
    measures=("median_hours_to_first_answer",),
    population="answered-packets",
    description="Answered packets to the recruiters who list an occupation and a place: "
    "the median time from the packet to its first answer, in hours. People: the fewer of "
    "the seekers whose packets were answered and the recruiters who answered them.",
)
def first_answers_by_role_and_place() -> Rows:
    delivery = "recruiter__deliveries"
    rows = (
        Coverage.objects.filter(
            **{f"{delivery}__sent_at__isnull": False, f"{delivery}__answers__isnull": False}
        )
        .values(
            "occupation_id",
            "place_id",
            "recruiter_id",
            delivery,
            seeker=F(f"{delivery}__seeker"),
            sent_at=F(f"{delivery}__sent_at"),
        )
        .annotate(first=Min(f"{delivery}__answers__answered_at"))
        .order_by()
    )
    seekers: dict[tuple[int, int], set[int]] = defaultdict(set)
    recruiters: dict[tuple[int, int], set[int]] = defaultdict(set)
    hours: dict[tuple[int, int], list[float]] = defaultdict(list)
    for row in rows:
        key = (row["occupation_id"], row["place_id"])
        seekers[key].add(row["seeker"])
        recruiters[key].add(row["recruiter_id"])
        hours[key].append(max(0.0, (row["first"] - row["sent_at"]).total_seconds() / 3600))
    cells = _cells(hours)
    for key, values in hours.items():
        yield {
            "cell": cells[key],
            "people": min(len(seekers[key]), len(recruiters[key])),
            "measures": {"median_hours_to_first_answer": round(stats.median(values))},
        }


# --- What pages show ----------------------------------------------------------------------


@dataclass(frozen=True)
class Market:
    """The released figures of one cell; None where fewer than K people stand behind."""

    recruiters: int | None = None
    opened_share: int | None = None  # percent of packets opened within 7 days
    answered_share: int | None = None  # percent of packets answered
    median_hours: int | None = None  # to the first answer

    @property
    def known(self) -> bool:
        return any(
            v is not None
            for v in (self.recruiters, self.opened_share, self.answered_share, self.median_hours)
        )

    @property
    def answer_time(self) -> str:
        """The median time to a first answer in words: hours up to two days, then days."""
        hours = self.median_hours or 0
        if hours < 48:
            return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
        days = round(hours / 24)
        return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}

    def as_json(self) -> dict[str, int | None]:
        return {
            "recruiters": self.recruiters,
            "opened_share": self.opened_share,
            "answered_share": self.answered_share,
            "median_hours": self.median_hours,
        }


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole)


def count_markets() -> dict[tuple[int, int], dict[str, int]]:
    """Every cell's released figures, by (occupation id, place id): three statistics over
    the whole directory, each through ``aggregates.release`` (cells under K left out)."""
    released = {
        name: aggregates.release(name).cells for name in (RECRUITERS, PACKETS, FIRST_ANSWERS)
    }
    codes = {cell.cell[0] for cells in released.values() for cell in cells}
    occupation_ids = dict(Occupation.objects.filter(code__in=codes).values_list("code", "pk"))
    found: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for cell in released[RECRUITERS]:
        code, place_id, _label = cell.cell
        found[occupation_ids[code], place_id]["recruiters"] = cell.people
    for cell in released[PACKETS]:
        code, place_id, _label = cell.cell
        packets = cell.measures["packets"]
        figures = found[occupation_ids[code], place_id]
        figures["opened_share"] = _percent(cell.measures["opened_within_7_days"], packets)
        figures["answered_share"] = _percent(cell.measures["answered"], packets)
    for cell in released[FIRST_ANSWERS]:
        code, place_id, _label = cell.cell
        hours = cell.measures["median_hours_to_first_answer"]
        found[occupation_ids[code], place_id]["median_hours"] = hours
    return found


@transaction.atomic
def refresh_markets() -> int:
    """Recount every cell's figures into :class:`MarketFigures` (hourly, by beat);
    returns how many cells have a figure. Pages see the old figures until this commits."""
    found = count_markets()
    MarketFigures.objects.all().delete()
    MarketFigures.objects.bulk_create(
        (
            MarketFigures(occupation_id=o, place_id=p, **figures)
            for (o, p), figures in found.items()
        ),
        batch_size=1000,
    )
    return len(found)


def markets(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Market]:
    """The figures for each (occupation id, place id), as last released (one query)."""
    pairs = list(dict.fromkeys(pairs))
    if not pairs:
        return {}
    rows = MarketFigures.objects.filter(
        occupation_id__in={o for o, _ in pairs}, place_id__in={p for _, p in pairs}
    ).values_list("occupation_id", "place_id", *FIGURES)
    found = {(o, p): dict(zip(FIGURES, figures, strict=True)) for o, p, *figures in rows}
    return {pair: Market(**found.get(pair, {})) for pair in pairs}
