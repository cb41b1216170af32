"""Export of a heavy person's data (§7): throughput and peak memory, in one run.

A heavy person: 20 CVs of 2 MB, 10,000 activity rows (outbox work and emails) and
1,000 deliveries to recruiters (each with its disclosure), at 1x and 10x that.
For each size, a fresh child process

* reads the same data the raw way: every stored file in 1 MB pieces and every
  row with a plain cursor (the baseline, measured in the same run);
* builds the export ZIP into the file store, as the worker does;

and prints export throughput against the raw read (goal: at least 0.7x) and the
growth of the process's peak memory while exporting (goal: under 50 MB, and about
the same at 10x as at 1x: memory must not grow with the data).

    .venv/bin/python bench/export.py            # add DATABASE_URL=postgres://… for PostgreSQL

The heavy person is erased afterwards (through erase_person). Add another kind of
data by appending a builder to BUILDERS.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

CV_BYTES = 2 * 1024 * 1024


def _setup(media: str) -> None:
    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = media
    settings.STORAGES["default"]["OPTIONS"]["location"] = media


# --- Building the heavy person ------------------------------------------------------------------


def _cvs(user, count: int) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from jobletters.lib.files import generate_key
    from profiles.models import CV

    for n in range(count):
        body = b"%PDF-1.4\n" + os.urandom(CV_BYTES - 16) + b"\n%%EOF\n"
        name = default_storage.save(generate_key("cvs", "pdf"), ContentFile(body))
        CV.objects.create(
            owner=user, file=name, original_name=f"cv-{n}.pdf", kind="pdf",
            content_type="application/pdf", size=len(body), sha256="0" * 64, state="ready",
            text="Lawyer " * 200,
        )  # fmt: skip


def _activity(user, count: int) -> None:
    from jobletters.models import OutboxEntry

    rows = [
        OutboxEntry(
            kind="emails.send", person=user, state="done", payload={"kind": "x", "message_id": n}
        )
        for n in range(count)
    ]
    OutboxEntry.objects.bulk_create(rows, batch_size=2000)


def _deliveries(user, count: int) -> None:
    from privacy.models import Consent, Disclosure

    consent = Consent.objects.create(
        person=user, purpose="share_with_recruiters", granted=True, text="Share with them."
    )
    disclosures = Disclosure.objects.bulk_create(
        [
            Disclosure(
                person=user,
                recipient_kind="recruiter",
                recipient_name=f"Recruiter {n}, Agency",
                data_categories=["CV", "job letter"],
                basis="consent",
                consent=consent,
                reference=f"bench-delivery:{user.pk}:{n}",
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    try:
        from recruiters.models import Delivery, Recruiter, Send
    except ImportError:  # no recruiters app: the disclosures stand for the deliveries
        return
    recruiters = Recruiter.objects.bulk_create(
        [
            Recruiter(name=f"Recruiter {n}", agency="Agency", email=f"r{user.pk}-{n}@bench.example")
            for n in range(count)
        ],
        batch_size=1000,
    )
    send = Send.objects.create(seeker=user, consent=consent, snapshot={"headline": "Lawyer"})
    Delivery.objects.bulk_create(
        [
            Delivery(
                send=send,
                seeker=user,
                recruiter=r,
                consent=consent,
                recipient_name=f"{r.name}, Agency",
                reason="Lawyers in London",
                role="Lawyer",
                place="London",
                state="sent",
                message_id=f"<bench-{user.pk}-{n}@jl>",
                disclosure=d,
            )
            for n, (r, d) in enumerate(zip(recruiters, disclosures, strict=True))
        ],
        batch_size=1000,
    )


BUILDERS: list[tuple[str, Callable, int]] = [
    ("CVs of 2 MB", _cvs, 20),
    ("activity rows", _activity, 10_000),
    ("deliveries", _deliveries, 1_000),
]


def _make_person(scale: int):
    from accounts.models import User

    user = User.objects.create_user(f"bench-export-{time.time_ns()}@bench.example", name="Heavy")
    for _label, build, count in BUILDERS:
        build(user, count * scale)
    return user


# --- Measuring (in a fresh child process per size) ------------------------------------------------


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def _rss_kb() -> int:
    return _status_kb("VmRSS")


def _peak_kb() -> int:
    # The process's own high-water mark (VmHWM starts afresh at exec and is reset through
    # /proc/self/clear_refs; getrusage's ru_maxrss would include the parent's, which built
    # the data).
    return _status_kb("VmHWM")


def _raw_read(user) -> tuple[float, int]:
    """The baseline: the same files and rows, read without building anything."""
    from django.core.exceptions import EmptyResultSet
    from django.db import connection

    from privacy.registry.declarations import declarations

    started = time.perf_counter()
    total = 0
    for declaration in declarations():
        try:
            sql, params = declaration.rows_for(user).query.sql_with_params()
        except EmptyResultSet:  # nothing to read (e.g. nobody's rows)
            continue
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(2000):
                total += sum(len(str(row)) for row in rows)
        for _row, _name, fieldfile in declaration.stored_files(user):
            with fieldfile.storage.open(fieldfile.name, "rb") as handle:
                while chunk := handle.read(1024 * 1024):
                    total += len(chunk)
    return time.perf_counter() - started, total


def _child(user_id: int, mode: str) -> None:
    """One measurement in a fresh process, so its peak memory is its own."""
    from django.core.files.storage import default_storage

    from accounts.models import User
    from privacy.rights.export import plan_for, write_archive

    user = User.objects.get(pk=user_id)
    if mode == "raw":
        _raw_read(user)  # warm the page cache, as for the export (run after this)
        seconds, size = _raw_read(user)
        print(json.dumps({"seconds": seconds, "bytes": size}))
        return
    name = f"exports/bench-{user_id}.zip"
    # Warm up as the baseline does (connection, imports, page cache), then measure a
    # second export, with the peak-memory mark reset so that it is this export's own.
    write_archive(plan_for(user, lambda percent, step: None), name=name)
    default_storage.delete(name)
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    before = _rss_kb()
    started = time.perf_counter()
    size = write_archive(plan_for(user, lambda percent, step: None), name=name)
    seconds = time.perf_counter() - started
    peak = _peak_kb()
    default_storage.delete(name)
    print(json.dumps({"seconds": seconds, "bytes": size, "peak_growth_mb": (peak - before) / 1024}))


def _run_child(user_id: int, mode: str, media: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(user_id), "--mode", mode, "--media", media],
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"{mode} child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--media", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="export", help=argparse.SUPPRESS)
    parser.add_argument("--scales", default="1,10")
    args = parser.parse_args()
    if args.child:
        _setup(args.media)
        _child(args.child, args.mode)
        return

    media = tempfile.mkdtemp(prefix="jl-bench-export-")
    _setup(media)
    from privacy.rights.erasure import erase_person

    results = {}
    for scale in (int(s) for s in args.scales.split(",")):
        user = _make_person(scale)
        try:
            raw = _run_child(user.pk, "raw", media)
            export = _run_child(user.pk, "export", media)
        finally:
            erase_person(user.pk, final_email=False)
        results[scale] = {
            "raw_seconds": raw["seconds"],
            "raw_bytes": raw["bytes"],
            "export_seconds": export["seconds"],
            "zip_bytes": export["bytes"],
            "peak_growth_mb": export["peak_growth_mb"],
        }
    print(f"Heavy person x1: {', '.join(f'{c:,} {label}' for label, _, c in BUILDERS)}")
    for scale, r in results.items():
        mb = r["zip_bytes"] / 1e6
        raw_rate = r["raw_bytes"] / r["raw_seconds"] / 1e6
        export_rate = r["zip_bytes"] / r["export_seconds"] / 1e6
        print(
            f"x{scale}: raw read {r['raw_seconds']:.2f} s ({raw_rate:.0f} MB/s); export "
            f"{r['export_seconds']:.2f} s for a {mb:.0f} MB ZIP ({export_rate:.0f} MB/s); "
            f"throughput export/raw = {export_rate / raw_rate:.2f}x (goal >= 0.7x); "
            f"peak memory growth {r['peak_growth_mb']:.1f} MB (goal < 50 MB)"
        )
    if 1 in results and 10 in results:
        grew = results[10]["peak_growth_mb"] - results[1]["peak_growth_mb"]
        print(f"peak memory, x10 minus x1: {grew:+.1f} MB (constant memory: about 0)")


if __name__ == "__main__":
    main()
