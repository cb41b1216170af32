"""Aggregated statistics about job seekers' targets (released only through
``privacy.accountability.aggregates.release``, which suppresses cells under 10 people)."""

from __future__ import annotations

from functools import cache

from django.db.models import Case, CharField, Count, F, Value, When
from django.db.models.functions import Substr

from privacy.accountability.aggregates import Rows, statistic

from .models import Profile


@cache
def _major_groups() -> dict[str, str]:
    from taxonomy.loading import read_occupations

    return read_occupations()["major_groups"]


@statistic(
    "seekers-by-occupation-group-and-country",
    dimensions=("occupation_group", "country"),
    population="seekers",
    description="Job seekers per target (ISCO-08 major group of its occupation, and the "
    "country of its place); someone with several targets counts in each of their cells.",
)
def seekers_by_occupation_group_and_country() -> Rows:
    # Distinct people per final cell, counted by the database (never summed here: the
    # same person may reach one cell through several targets).
    rows = (
        Profile.objects.annotate(
            group=Substr("targets__occupation__code", 1, 1),
            country=Case(
                When(targets__place__kind="remote", then=Value("Remote")),
                default=F("targets__place__country"),
                output_field=CharField(),
            ),
        )
        .values("group", "country")
        .annotate(people=Count("user", distinct=True))
        .order_by()
    )
    groups = _major_groups()
    for row in rows:
        if not row["group"] or not row["country"]:
            continue  # no target yet
        group = f"{row['group']} {groups.get(row['group'], '')}".strip()
        yield {"cell": (group, row["country"]), "people": row["people"], "measures": {}}
