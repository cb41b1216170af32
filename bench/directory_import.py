"""Importing 100,000 recruiters as CSV, on PostgreSQL: recruiters/bulk.py against bulk_create.

Generates recruiters (``recruiters.generator``), writes them as the staff import's
CSV files (each within ``csv_io.MAX_ROWS`` and ``MAX_BYTES``) and imports them into an
empty directory the way the admin does: ``csv_io.read`` checks a file, ``csv_io.save``
writes it (recruiters, their occupations and places, the matching index). The big
writes go through ``recruiters.bulk`` (COPY); in the same run the same files are
imported again with those writes done by plain Django ``bulk_create(batch_size=...)``,
the baseline. It prints each phase's wall-clock and CPU time (this process plus its
PostgreSQL backend, read from /proc when the server is local: on a shared machine CPU
is the steadier figure) and the ratios:

* ``save bulk_create / bulk.py``: what bulk.py saves on the writes;
* ``whole import``: the same for a whole import, checking included;
* ``save / whole import``: how much of an import the writes are at all.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jl_bench \\
        .venv/bin/python bench/directory_import.py [--recruiters 100000] [--rounds 3]

The database must be migrated; its directory is emptied. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402

from recruiters import bulk, csv_io  # noqa: E402
from recruiters.generator import Generator  # noqa: E402
from recruiters.models import Coverage, Recruiter  # noqa: E402
from taxonomy.loading import ensure_loaded  # noqa: E402
from taxonomy.models import Occupation, Place  # noqa: E402

BATCH_SIZE = 2000


def csv_files(count: int) -> list[str]:
    """The generated directory as import files, each within the import's limits."""
    codes = dict(Occupation.objects.values_list("pk", "code"))
    tokens = {p.pk: csv_io._place_token(p) for p in Place.objects.exclude(kind=Place.Kind.CITY)}
    records = list(Generator(seed=2026).recruiters(count))
    cities = {pk for r in records for pk in r.place_ids} - set(tokens)
    for chunk in range(0, len(cities), 5000):
        ids = sorted(cities)[chunk : chunk + 5000]
        tokens.update((p.pk, csv_io._place_token(p)) for p in Place.objects.filter(pk__in=ids))
    files, buffer, writer, rows = [], io.StringIO(), None, 0
    for record in records:
        if writer is None:
            buffer, rows = io.StringIO(), 0
            writer = csv.writer(buffer)
            writer.writerow(csv_io.COLUMNS[:-1])
        writer.writerow(
            [
                record.name,
                record.agency,
                record.email,
                record.website,
                "; ".join(codes[pk] for pk in record.occupation_ids),
                "; ".join(tokens[pk] for pk in record.place_ids),
                "; ".join(record.seniority_levels),
                "; ".join(record.languages),
                "; ".join(record.keywords),
                record.daily_cap,
                "yes" if record.active else "no",
            ]
        )
        rows += 1
        if rows == csv_io.MAX_ROWS or buffer.tell() > csv_io.MAX_BYTES - 2000:
            files.append(buffer.getvalue())
            writer = None
    if writer is not None:
        files.append(buffer.getvalue())
    return files


def orm_insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """The baseline of ``bulk.insert``: model instances, bulk_create in batches."""
    attnames = [model._meta.get_field(name).attname for name in fields]
    rows, written = iter(rows), 0
    while batch := list(islice(rows, BATCH_SIZE)):
        objs = [model(**dict(zip(attnames, row, strict=True))) for row in batch]
        model._default_manager.bulk_create(objs, batch_size=BATCH_SIZE)
        written += len(objs)
    return written


def orm_create(model: type[models.Model], objects: list, fields: Sequence[str]) -> None:
    """The baseline of ``bulk.create``: bulk_create sets the new ids itself."""
    model._default_manager.bulk_create(objects, batch_size=BATCH_SIZE)


@contextmanager
def writes_by_bulk_create() -> Iterator[None]:
    saved = bulk.insert, bulk.create
    bulk.insert, bulk.create = orm_insert, orm_create
    try:
        yield
    finally:
        bulk.insert, bulk.create = saved


def empty_directory() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE recruiters_coverage, recruiters_recruiter_occupations, "
            "recruiters_recruiter_places, recruiters_recruiter CASCADE"
        )
        cursor.execute("VACUUM ANALYZE")


def cpu_seconds() -> float:
    """CPU used so far by this process and its database backend (the backend's if local)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        backend = 0.0
    return time.process_time() + backend


@dataclass
class Run:
    wall: list[float] = field(default_factory=lambda: [0.0, 0.0])  # checking, saving
    cpu: list[float] = field(default_factory=lambda: [0.0, 0.0])


def import_all(files: list[str]) -> Run:
    """Import every file into an empty directory, timing the check and the save."""
    empty_directory()
    run = Run()
    for text in files:
        marks = [(time.perf_counter(), cpu_seconds())]
        preview = csv_io.read(text)
        marks.append((time.perf_counter(), cpu_seconds()))
        assert preview.ok, preview.errors[:3]
        with transaction.atomic():
            csv_io.save(preview)
        marks.append((time.perf_counter(), cpu_seconds()))
        for phase in (0, 1):
            run.wall[phase] += marks[phase + 1][0] - marks[phase][0]
            run.cpu[phase] += marks[phase + 1][1] - marks[phase][1]
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recruiters", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("bench/directory_import.py: needs DATABASE_URL=postgres://… (bulk.py COPYs there)")
        return
    settings.DEBUG = False  # no query log in memory, as in production
    ensure_loaded()
    files = csv_files(args.recruiters)
    print(f"{args.recruiters} recruiters in {len(files)} CSV files; cores: {os.cpu_count()}")
    results: dict[str, list[Run]] = {"bulk.py": [], "bulk_create": []}
    for _ in range(args.rounds):  # alternated, so a busy moment does not favour one
        results["bulk.py"].append(import_all(files))
        with writes_by_bulk_create():
            results["bulk_create"].append(import_all(files))
    print(
        f"directory: {Recruiter.objects.count()} recruiters, "
        f"{Coverage.objects.count()} coverage rows; best of {args.rounds} rounds"
    )
    print(f"{'writes':<12} {'':>5} {'check s':>8} {'save s':>8} {'total s':>8}")
    best: dict[tuple[str, str], list[float]] = {}
    for name, runs in results.items():
        for kind in ("wall", "cpu"):
            check, save = best[name, kind] = min((getattr(r, kind) for r in runs), key=sum)
            print(f"{name:<12} {kind:>5} {check:8.1f} {save:8.1f} {check + save:8.1f}")
    for kind in ("wall", "cpu"):
        orm, copy = best["bulk_create", kind], best["bulk.py", kind]
        print(
            f"{kind}: save bulk_create / bulk.py = {orm[1] / copy[1]:.2f}; whole import "
            f"{sum(orm) / sum(copy):.2f}; save / whole import (bulk.py) "
            f"{copy[1] / sum(copy):.2f}"
        )


if __name__ == "__main__":
    main()
