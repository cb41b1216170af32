"""Autocomplete latency on the full taxonomy, against a naive baseline.

Runs the real views (taxonomy.views.occupations / places, through RequestFactory:
ranking, JSON and ETag included, no middleware) for a set of queries that people
type, and the same queries through a naive baseline measured in the same run:
``icontains`` scans over the same tables, ordered by title or population. Prints
p50/p95 per endpoint and the ratio ours / baseline (below 1 means faster). The
"pairs" ("attorney in London") and "other names" ("Munchen") rows run those
kinds of query through the same endpoints, against the same baselines.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jl_taxonomy \\
        .venv/bin/python bench/autocomplete.py [--rounds 30] [--explain]

The database must be migrated (`manage.py migrate` loads the taxonomy). Nothing
here asserts a time: it reports numbers for a person to read.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.http import HttpRequest, HttpResponse, JsonResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from taxonomy import search, views  # noqa: E402
from taxonomy.loading import ensure_loaded  # noqa: E402
from taxonomy.models import Occupation, OccupationTitle, Place  # noqa: E402

OCCUPATION_QUERIES = [
    "at", "att", "attor", "attorney", "solicitor", "barrister", "nurse", "software dev",
    "prog", "lorry driver", "truck", "chef", "acc", "teacher", "engineer", "enginer",
    "developer soft", "care", "zzzz",
]  # fmt: skip
PLACE_QUERIES = [
    "Lo", "Lond", "London", "London, Canada", "New Y", "san", "Paris", "Zurich", "rem",
    "germ", "Portland, Oregon", "manch", "sao paulo", "xyzzy",
]  # fmt: skip
# Kinds of query the first lists do not have: a role and a place in one box, and
# places by another of their names.
PAIR_QUERIES = [
    "attorney in London", "nurse in Munchen", "developer in Bombay", "chef in Paris",
    "solicitor in Manchester", "teacher in", "labourers in mining",
]  # fmt: skip
OTHER_NAME_QUERIES = ["Munchen", "Bombay", "Peking", "Wien", "Cologne", "Milano", "Saigon"]


def baseline_occupations(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    rows = (
        Occupation.objects.filter(Q(title__icontains=q) | Q(alternative_titles__title__icontains=q))
        .distinct()
        .order_by("title")
        .values_list("id", "title")[:10]
    )
    return JsonResponse({"results": [{"id": pk, "label": title} for pk, title in rows]})


def baseline_places(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    rows = Place.objects.filter(name__icontains=q).order_by("-population")[:10]
    return JsonResponse({"results": [{"id": p.pk, "label": p.label, "kind": p.kind} for p in rows]})


def measure(
    view: Callable[[HttpRequest], HttpResponse], path: str, queries: list[str], rounds: int
) -> list[float]:
    factory = RequestFactory()
    for q in queries:  # warm-up: connection, caches, query plans
        view(factory.get(path, {"q": q}))
    timings = []
    for _ in range(rounds):
        for q in queries:
            request = factory.get(path, {"q": q})
            started = time.perf_counter()
            response = view(request)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (q, response.content)
    return timings


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))
    return ordered[index]


def explain(sample: str) -> None:
    text = search.prepare(sample)
    queryset = (
        search._ranked(Place.objects.all(), text)
        .order_by("rank", "-fuzzy", "-population")
        .only("id")[:10]
    )
    print(f"\nEXPLAIN ANALYZE places q={sample!r}:")
    print(queryset.explain(analyze=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--explain", action="store_true", help="print the plan of one query")
    args = parser.parse_args()

    ensure_loaded()
    print(
        f"database: {connection.vendor} ({connection.settings_dict['NAME']}); "
        f"{Occupation.objects.count()} occupations, {OccupationTitle.objects.count()} "
        f"alternative titles, {Place.objects.count()} places; {args.rounds} rounds"
    )
    cases = [
        ("occupations", views.occupations, baseline_occupations, OCCUPATION_QUERIES),
        ("places", views.places, baseline_places, PLACE_QUERIES),
        ("pairs", views.occupations, baseline_occupations, PAIR_QUERIES),
        ("other names", views.places, baseline_places, OTHER_NAME_QUERIES),
    ]
    header = f"{'endpoint':<12} {'':>9} {'p50 ms':>8} {'p95 ms':>8}"
    print(header)
    print("-" * len(header))
    for name, ours, baseline, queries in cases:
        path = "/taxonomy/places/" if ours is views.places else "/taxonomy/occupations/"
        mine = measure(ours, path, queries, args.rounds)
        naive = measure(baseline, path, queries, args.rounds)
        for label, timings in (("ranked", mine), ("baseline", naive)):
            print(
                f"{name:<12} {label:>9} {percentile(timings, 50):8.2f} "
                f"{percentile(timings, 95):8.2f}"
            )
        print(
            f"{name:<12} {'ratio':>9} {percentile(mine, 50) / percentile(naive, 50):8.2f} "
            f"{percentile(mine, 95) / percentile(naive, 95):8.2f}   (ranked / baseline)"
        )
        print(f"{name:<12} {'mean':>9} {statistics.mean(mine):8.2f} {statistics.mean(naive):8.2f}"
              "   (ranked, baseline)")  # fmt: skip
    if args.explain:
        explain("Lond")


if __name__ == "__main__":
    main()
