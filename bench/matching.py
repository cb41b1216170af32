"""Ranking 100,000 (or a million) recruiters for one seeker, on PostgreSQL, against two
baselines.

Builds a directory of realistic recruiters (``recruiters.generator``: clustered
around the big job markets, a few related occupations each; three in ten with a
record of answering, one in ten who never open) unless one of that size is there
already, then ranks it for a set of seekers with realistic targets, through the
function the matches page calls (``recruiters.matching.rank_matches``: one
statement that ranks, fills the page and checks recent packets, then the
reasons put into words). In the same run it executes the same SQL statement
raw (on psycopg's own cursor) and again with index scans turned off
(``enable_indexscan``, ``enable_bitmapscan`` and ``enable_indexonlyscan``), and
prints p50/p95 of each and the ratios:

* ``rank / raw SQL``: what Python adds (building the statement, reading rows,
  the reasons in words); goal ≤ 1.5;
* ``no index / indexed``: what the indexes buy; goal ≥ 20. (The statement is a
  UNION ALL of index ranges: without indexes each part scans the table.)

It also counts the Python function calls of a ranking (cProfile) both ways: times move
with the load of a shared machine, the calls do not.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jl_rec \\
        .venv/bin/python bench/matching.py [--recruiters 100000] [--rounds 20] [--explain]

The database must be migrated. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from recruiters import matching  # noqa: E402
from recruiters.directory import save_recruiters  # noqa: E402
from recruiters.generator import MARKETS, POPULAR, Generator  # noqa: E402
from recruiters.models import ANSWERS, NEVER_OPENS, Coverage, Recruiter  # noqa: E402
from taxonomy.loading import ensure_loaded  # noqa: E402
from taxonomy.models import Occupation, Place  # noqa: E402

BENCH_EMAIL = "bench-seeker@bench.example"


def build(count: int) -> None:
    """The directory of ``count`` recruiters, kept between runs: built only when its size
    differs. Written with COPY (``recruiters.bulk``, as the staff import does), the
    matching index's indexes dropped meanwhile and built once at the end (several times
    faster than keeping them up to date row by row)."""
    have = Recruiter.objects.count()
    if have == count:
        print(f"directory: {have} recruiters already there")
        return
    print(f"directory: building {count} recruiters (was {have})...", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE recruiters_recruiter CASCADE")
    indexes = Coverage._meta.indexes
    with connection.schema_editor() as editor:
        for index in indexes:
            editor.remove_index(Coverage, index)
    try:
        generator = Generator(seed=2026)
        batch = 20_000
        for start in range(0, count, batch):
            with transaction.atomic():
                save_recruiters(list(generator.recruiters(min(batch, count - start))))
            print(f"  {min(start + batch, count)} recruiters", flush=True)
        answer_history()
    finally:
        print("  building the matching index's indexes", flush=True)
        with connection.schema_editor() as editor:
            for index in indexes:
                editor.add_index(Coverage, index)
    print(f"directory: built in {time.perf_counter() - started:.0f} s", flush=True)


def answer_history() -> None:
    """Answer rates as a directory with a history has them, for ranking to sort by: three
    in ten recruiters answer (in one to five days), one in ten received packets and
    opened none, the others have no record (set once, on the rows as
    ``recruiters.rates.refresh_rates`` leaves them)."""
    if Recruiter.objects.filter(packets_received__gt=0).exists():
        return
    print("  answer rates", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE recruiters_recruiter SET packets_received = 4, packets_opened = 3, "
            "packets_answered = 3, answer_days = 1 + id % 5 WHERE id % 10 < 3"
        )
        cursor.execute("UPDATE recruiters_recruiter SET packets_received = 3 WHERE id % 10 = 9")
        cursor.execute(
            "UPDATE recruiters_coverage SET responsiveness = CASE WHEN recruiter_id %% 10 < 3 "
            "THEN %s ELSE %s END WHERE recruiter_id %% 10 < 3 OR recruiter_id %% 10 = 9",
            [ANSWERS, NEVER_OPENS],
        )


def vacuum() -> None:
    with connection.cursor() as cursor:
        for table in ("recruiters_coverage", "recruiters_recruiter", "recruiters_delivery"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def seekers(count: int, seed: int = 7, *, related: bool = False) -> list[matching.Targets]:
    """Targets people type: one to three jobs, each in a city or two, sometimes Remote
    (each job in each of the places: the pairs of a profile from before targets were
    pairs, so the same seekers as then)."""
    rng = random.Random(seed)
    occupations = list(Occupation.objects.filter(code__in=POPULAR))
    cities = list(
        Place.objects.filter(kind="city", country__in=list(MARKETS), population__gte=300_000)
    )
    weights = [MARKETS[str(c.country)] * c.population**0.5 for c in cities]
    remote = Place.objects.filter(kind="remote").first()
    countries = {str(p.country): p for p in Place.objects.filter(kind="country")}
    result = []
    for _ in range(count):
        chosen = rng.sample(occupations, k=rng.choice([1, 1, 2, 3]))
        home = rng.choices(cities, weights=weights, k=1)[0]
        places = [home]
        if rng.random() < 0.4:
            places.append(rng.choices(cities, weights=weights, k=1)[0])
        if rng.random() < 0.3 and remote:
            places.append(remote)
        if rng.random() < 0.15 and str(home.country) in countries:
            places.append(countries[str(home.country)])
        places = tuple(dict.fromkeys(places))
        result.append(
            matching.Targets(
                roles=tuple(
                    matching.Role(occupation=o, label=o.title, places=places) for o in chosen
                ),
                related=related,
                seniority=rng.choice(["mid", "senior", "lead"]),
                languages=("english",),
                keywords=tuple(rng.sample(["python", "m a", "gdpr", "sales", "audit"], k=2)),
            )
        )
    return result


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def capture(targets: matching.Targets, seeker: User) -> list[tuple[str, list]]:
    """The SQL statement (with its parameters) one ranking runs, as rank_matches runs it."""
    limit = settings.RECRUITERS_MATCHES_PER_PAGE + 1
    return [matching.ranking_statement(targets, seeker_id=seeker.pk, limit=limit)]


def run_raw(statements: list[tuple[str, tuple]]) -> float:
    raw = connection.connection  # the psycopg connection itself: no Django in the way
    started = time.perf_counter()
    with raw.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def calls_per_ranking(rank: Callable[[int], object], seekers: int) -> float:
    """Python function calls (cProfile's count) per ranking, over every seeker once."""
    profile = cProfile.Profile()
    profile.runcall(lambda: [rank(i) for i in range(seekers)])
    return pstats.Stats(profile).total_calls / seekers


def set_index_scans(on: bool) -> None:
    value = "on" if on else "off"
    with connection.cursor() as cursor:
        for setting in ("enable_indexscan", "enable_bitmapscan", "enable_indexonlyscan"):
            cursor.execute(f"SET {setting} = {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recruiters", type=int, default=100_000)
    parser.add_argument("--seekers", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--explain", action="store_true", help="print one ranking's plan")
    parser.add_argument(
        "--related", action="store_true", help="seekers who asked for related roles too"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/matching.py measures PostgreSQL: set DATABASE_URL=postgres://...")

    # As in production: no query log kept in memory (DEBUG is on by default here).
    settings.DEBUG = False
    ensure_loaded()
    build(args.recruiters)
    answer_history()
    vacuum()
    seeker, _ = User.objects.get_or_create(email=BENCH_EMAIL, defaults={"name": "Bench Seeker"})
    all_targets = seekers(args.seekers, related=args.related)
    connection.ensure_connection()
    sizes = [matching.count_candidates(t) for t in all_targets[:10]]  # for the reader
    print(
        f"database: PostgreSQL {connection.pg_version // 10000}, {Recruiter.objects.count()} "
        f"recruiters, {Coverage.objects.count()} coverage rows; {len(all_targets)} seekers x "
        f"{args.rounds} rounds; candidates per seeker (first 10): {sizes}; cores: {os.cpu_count()}"
        f"; related roles: {'yes' if args.related else 'no'}"
    )

    statements = {i: capture(t, seeker) for i, t in enumerate(all_targets)}
    for i, t in enumerate(all_targets):  # warm up caches and plans
        matching.rank_matches(t, seeker=seeker)
        run_raw(statements[i])

    ranked, raw, unindexed = [], [], []
    for _ in range(args.rounds):
        for i, t in enumerate(all_targets):
            started = time.perf_counter()
            matching.rank_matches(t, seeker=seeker)
            ranked.append((time.perf_counter() - started) * 1000)
            raw.append(run_raw(statements[i]))
    calls = calls_per_ranking(
        lambda i: matching.rank_matches(all_targets[i], seeker=seeker), len(all_targets)
    )
    raw_calls = calls_per_ranking(lambda i: run_raw(statements[i]), len(all_targets))
    set_index_scans(False)
    try:
        for _ in range(max(1, args.rounds // 5)):
            for i in range(len(all_targets)):
                unindexed.append(run_raw(statements[i]))
    finally:
        set_index_scans(True)

    print(f"\n{'':<28} {'p50 ms':>8} {'p95 ms':>8}")
    for label, values in (
        ("rank_matches (the page)", ranked),
        ("same SQL, raw", raw),
        ("same SQL, no index scans", unindexed),
    ):
        print(f"{label:<28} {percentile(values, 50):>8.2f} {percentile(values, 95):>8.2f}")
    p50, p95 = percentile(ranked, 50), percentile(ranked, 95)
    print(
        f"\nrank / raw SQL:        p50 {p50 / percentile(raw, 50):.2f}x  "
        f"p95 {p95 / percentile(raw, 95):.2f}x   (goal <= 1.5)"
    )
    print(
        f"no index / indexed:    p50 {percentile(unindexed, 50) / percentile(raw, 50):.0f}x  "
        f"p95 {percentile(unindexed, 95) / percentile(raw, 95):.0f}x   (goal >= 20)"
    )
    print(f"p95 of the ranking:    {p95:.2f} ms   (goal <= 20 ms)")
    print(f"mean of the ranking:   {statistics.fmean(ranked):.2f} ms")
    print(f"Python calls a ranking: {calls:.0f} (raw SQL: {raw_calls:.0f})")

    if args.explain:
        slowest = max(range(len(all_targets)), key=lambda i: run_raw(statements[i]))
        sql, params = statements[slowest][0]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print("\n" + "\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
