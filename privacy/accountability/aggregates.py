"""Aggregated statistics (§3.3: "aggregated or anonymized information that does not
directly identify you"): the only way counts about people leave Job Letters.

An app declares each statistic in its ``statistics.py`` with :func:`statistic`: a function
giving rows of ``{"cell": (dimension values…), "people": n, "measures": {name: n}}``. Rows
leave only through :func:`release`, which

* **suppresses every cell with fewer than K = 10 people** (left out, not shown as "<10");
* **never computes a total from the raw data**: its totals are sums of the released cells,
  so no subtraction can recover a hidden one. We chose this over complementary suppression
  (solved across rows and columns, and still leaking bounds) and over rounded totals (which
  narrow a hidden cell to the rounding base): it is simple enough to prove with a test.

Two statistics that are margins of each other over one population would let a reader
subtract across tables, so :func:`statistic` refuses nested dimensions.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth

from privacy.models import Disclosure

K = 10  # fewest people a released cell may describe

Rows = Iterable[dict[str, Any]]


@dataclass(frozen=True)
class Statistic:
    name: str
    dimensions: tuple[str, ...]
    measures: tuple[str, ...]
    description: str
    population: str
    compute: Callable[..., Rows] = field(repr=False)


@dataclass(frozen=True)
class ReleasedCell:
    cell: tuple[Any, ...]
    people: int
    measures: dict[str, int]


@dataclass(frozen=True)
class Release:
    """What may leave: cells of at least K people, and sums of those cells only."""

    statistic: Statistic
    cells: tuple[ReleasedCell, ...]
    suppressed: int  # how many cells were left out (a count of cells, not of people)
    totals: dict[str, int]  # sums over the released cells only


class StatisticError(Exception):
    pass


_statistics: dict[str, Statistic] = {}


def statistic(
    name: str,
    *,
    dimensions: Iterable[str],
    description: str,
    population: str,
    measures: Iterable[str] = (),
) -> Callable[[Callable[[], Rows]], Callable[[], Rows]]:
    """Declare a statistic (see the module's documentation)."""

    def register(compute: Callable[[], Rows]) -> Callable[[], Rows]:
        declared = Statistic(
            name=name,
            dimensions=tuple(dimensions),
            measures=tuple(measures),
            description=description,
            population=population,
            compute=compute,
        )
        _check_not_linked(declared)
        _statistics[name] = declared
        return compute

    return register


def _check_not_linked(new: Statistic) -> None:
    if new.name in _statistics:
        raise StatisticError(f"The statistic {new.name!r} is declared twice.")
    for other in _statistics.values():
        if other.population != new.population:
            continue
        a, b = set(other.dimensions), set(new.dimensions)
        if a <= b or b <= a:
            raise StatisticError(
                f"{new.name!r} and {other.name!r} count the same people with nested "
                "dimensions: one is a margin of the other, so subtracting across them "
                "would reveal suppressed cells. Publish one table."
            )


def forget(name: str) -> None:
    """Remove a statistic (tests that declare throw-away ones)."""
    _statistics.pop(name, None)


def statistics() -> list[Statistic]:
    return sorted(_statistics.values(), key=lambda s: s.name)


def release(stat: Statistic | str, **only: Any) -> Release:
    """The one way aggregated statistics leave: cells under K people suppressed, and
    totals only as sums of the released cells. ``only`` goes to the statistic's function,
    for the few cells a page shows (e.g. ``pairs=[(occupation id, place id)]``): each
    cell is computed and held to K as in the whole table."""
    if isinstance(stat, str):
        stat = _statistics[stat]
    released: list[ReleasedCell] = []
    suppressed = 0
    for row in stat.compute(**only):
        cell = tuple(row["cell"])
        if len(cell) != len(stat.dimensions):
            raise StatisticError(f"{stat.name}: a cell must have {len(stat.dimensions)} values")
        people = int(row["people"])
        if people < K:
            suppressed += 1
            continue
        measures = {m: int(row.get("measures", {}).get(m, 0)) for m in stat.measures}
        released.append(ReleasedCell(cell=cell, people=people, measures=measures))
    released.sort(key=lambda c: tuple(str(v) for v in c.cell))
    totals = {"people": sum(c.people for c in released)}
    for measure in stat.measures:
        totals[measure] = sum(c.measures[measure] for c in released)
    return Release(statistic=stat, cells=tuple(released), suppressed=suppressed, totals=totals)


def write_csv(result: Release, handle: Any) -> None:
    """Write a release as CSV: the cells, then the sums of the cells shown."""
    if not isinstance(result, Release):
        raise TypeError("Only a Release (from release()) is written out.")
    dimensions, measures = result.statistic.dimensions, result.statistic.measures
    writer = csv.writer(handle)
    writer.writerow([*dimensions, "people", *measures])
    writer.writerows([*c.cell, c.people, *(c.measures[m] for m in measures)] for c in result.cells)
    total = f"total of the cells shown (cells under {K} people left out)"
    blanks = [""] * (len(dimensions) - 1)
    writer.writerow([total, *blanks, *(result.totals[m] for m in ("people", *measures))])


@statistic(
    "packets-per-month",
    dimensions=("month",),
    measures=("packets",),
    population="disclosures-to-recruiters",
    description="Packets sent to recruiters per month (from the disclosure log): the job "
    "seekers who sent, and the packets.",
)
def _packets_per_month() -> Rows:
    rows = (
        Disclosure.objects.filter(recipient_kind=Disclosure.RecipientKind.RECRUITER)
        .annotate(month=TruncMonth("disclosed_at"))
        .values("month")
        .annotate(people=Count("person", distinct=True), packets=Count("pk"))
        .order_by("month")
    )
    for row in rows:
        yield {
            "cell": (row["month"].strftime("%Y-%m"),),
            "people": row["people"],
            "measures": {"packets": row["packets"]},
        }
