"""A mixed population against the whole service, stepping up until it no longer holds.

gunicorn (the project's ``gunicorn.conf.py``, ``DEBUG=false``) + PostgreSQL + Redis +
a real Celery worker, all on 127.0.0.1, driven by locust (headless,
``bench/support/locustfile.py``): anonymous visitors, seekers editing their profile
and uploading CVs, seekers looking at matches and consenting to sends, seekers asking
for an export, recruiters opening packet pages, and Stripe webhooks signed with the
test secret. Packets go to an SMTP sink in this process.

At each step (``--users``, each person thinking 0.5-1.5 s between requests) the mix
runs for ``--duration`` seconds, right after the minimal view alone (no think time,
as many users as the host can serve) for the baseline of the same step. Per page
kind: requests/s, p50/p95/p99 and errors. After the last step every outbox entry
must be done (none failed, none waiting), every send's packets sent, one email per
packet, and every webhook's purchase paid: anything else is lost work.

The result is the highest step with no error (no 5xx, no lost work) and p99 under
500 ms, with what limited the next one (CPU of gunicorn, the worker, PostgreSQL;
the load average). Written to ``bench/results/load.md`` and printed.

    .venv/bin/python bench/load.py [--users 2,4,8,16,32] [--duration 30]

Needs PostgreSQL and Redis on 127.0.0.1 (bench/support/services.py) and locust (the
``bench`` extra of pyproject.toml). Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support import services

RESULTS = services.ROOT / "bench" / "results" / "load.md"
WEBHOOK_SECRET = "whsec_bench_only"  # a test-mode secret, this bench only
P99_GOAL_MS = 500
EDITORS = SENDERS = 24
RECRUITERS = 400


# --- Seeding --------------------------------------------------------------------------------


def _seed(run: str, *, purchases: int, cvs: int) -> dict:
    """Seekers (signed in), recruiters who match them, packet links, pending purchases."""
    from django.test import Client

    from billing.models import BillingAccount, Plan, Purchase
    from profiles.demo import demo_cv_pdf
    from recruiters import packets
    from recruiters.directory import RecruiterData, save_recruiters
    from recruiters.models import Delivery, Recruiter
    from recruiters.sending import confirm_send, plan_send
    from tests.factories import UserFactory
    from tests.recruiters import builders

    lawyer, london = builders.occupation("2611"), builders.city("London")
    save_recruiters(
        [
            RecruiterData(
                name=f"Load Recruiter {n}", agency=f"Load Agency {n}",
                email=f"r{n}.{run}@bench-load-recruiters.example", occupation_ids=[lawyer.pk],
                place_ids=[london.pk], daily_cap=100,
            )
            for n in range(RECRUITERS)
        ]
    )  # fmt: skip

    def seeker(kind: str, n: int):
        user = UserFactory(email=f"{kind}{n}.{run}@bench-load.example", name=f"Load {kind} {n}")
        return builders.ready_seeker(user, sends=200)

    def session(user) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    editors = [seeker("editor", n) for n in range(EDITORS)]
    senders = [seeker("sender", n) for n in range(SENDERS)]
    # Packets already sent, whose pages recruiters open: one send of 3 per sender, to
    # the bench's recruiters (a demo recruiter may have reached their daily cap).
    ours = list(Recruiter.objects.filter(email__endswith=f".{run}@bench-load-recruiters.example"))
    for n, user in enumerate(senders[:10]):
        chosen = [r.pk for r in ours[n * 3 : n * 3 + 3]]
        plan = plan_send(seeker=user, recruiter_ids=chosen)
        confirm_send(
            seeker=user, recruiter_ids=chosen, include_contact=False, consent_given=True,
            digest=plan.digest,
        )  # fmt: skip
    # Links are issued once the packets left (sending issues the email's own link).
    deliveries = Delivery.objects.filter(seeker__in=senders[:10])
    deadline = time.monotonic() + 300
    while deliveries.exclude(state=Delivery.State.SENT).exists():
        if time.monotonic() > deadline:
            raise SystemExit("the seeded packets were not sent within 5 minutes")
        time.sleep(0.5)
    tokens = [packets.issue_link(delivery=d) for d in deliveries]
    plan = Plan.objects.filter(active=True).order_by("price").first() or Plan.objects.first()
    pending = []
    for n in range(purchases):
        account, _ = BillingAccount.objects.get_or_create(user=senders[n % SENDERS])
        purchase = Purchase.objects.create(
            account=account, plan=plan, plan_name=plan.name, sends=plan.sends, amount=plan.price,
            currency=plan.currency, stripe_checkout_session_id=f"cs_bench_{run}_{n}",
        )  # fmt: skip
        pending.append(
            {"id": purchase.pk, "session": purchase.stripe_checkout_session_id,
             "amount": purchase.amount, "currency": purchase.currency}
        )  # fmt: skip
    return {
        "editors": [session(u) for u in editors],
        "senders": [session(u) for u in senders],
        "exporters": [session(u) for u in senders[10:]],
        "tokens": tokens,
        "purchases": pending,
        "webhook_secret": WEBHOOK_SECRET,
        # Each upload a different file (the same file twice is refused as a duplicate).
        "cv_pdfs": [
            demo_cv_pdf([f"Load Seeker {n} - Lawyer", "Contracts"]).decode("latin-1")
            for n in range(cvs)
        ],
        "seekers": [u.pk for u in editors + senders],
    }


# --- Running locust -------------------------------------------------------------------------


@dataclass
class Kind:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float


def _locust(
    base: str, users: int, seconds: int, classes: list[str], data: Path, part: str = "0/1"
) -> list[Kind]:
    prefix = services.VAR / f"locust-{uuid.uuid4().hex[:6]}"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("locust")), "-f", "bench/support/locustfile.py",
            "--headless", "-u", str(users), "-r", str(max(users, 1)), "-t", f"{seconds}s",
            "--host", base, "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR",
            "--stop-timeout", "10", *classes,
        ],
        cwd=services.ROOT, check=False, stdout=subprocess.DEVNULL,
        env={**os.environ, "BENCH_LOAD_DATA": str(data), "BENCH_LOAD_PART": part},
    )  # fmt: skip
    kinds = []
    with open(f"{prefix}_stats.csv") as stats:
        for row in csv.DictReader(stats):
            kinds.append(
                Kind(
                    name=row["Name"], requests=int(row["Request Count"]),
                    failures=int(row["Failure Count"]), rps=float(row["Requests/s"]),
                    p50=float(row["50%"]), p95=float(row["95%"]), p99=float(row["99%"]),
                )
            )  # fmt: skip
    for path in services.VAR.glob(f"{prefix.name}_*"):
        path.unlink()
    return kinds


def _cpu_seconds(pids: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds so far of each group: its roots with their reaped children (processes
    that exited, e.g. database backends of closed connections), and live descendants."""
    tick = os.sysconf("SC_CLK_TCK")

    def times(pid: int, *, reaped: bool) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return sum(int(f) for f in fields[11 : 15 if reaped else 13]) / tick

    totals = {}
    for name, roots in pids.items():
        descendants = _tree(roots) - set(roots)
        totals[name] = sum(times(pid, reaped=True) for pid in roots) + sum(
            times(pid, reaped=False) for pid in descendants
        )
    return totals


def _tree(roots: list[int]) -> set[int]:
    found, changed, parents = set(roots), True, _parents()
    while changed:
        changed = False
        for pid, ppid in parents.items():
            if ppid in found and pid not in found:
                found.add(pid)
                changed = True
    return found


def _parents() -> dict[int, int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return parents


def _postmaster() -> list[int]:
    """PostgreSQL's main process (serving every database on the machine, not only ours)."""
    names = {}
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            names[int(comm.parent.name)] = comm.read_text().strip()
        except OSError:
            continue
    parents = _parents()
    return [
        pid
        for pid, name in names.items()
        if name == "postgres" and names.get(parents.get(pid, 0)) != "postgres"
    ]


# --- Checking nothing was lost ---------------------------------------------------------------


def _lost_work(seekers: list[int], purchases: list[dict], sink: services.SmtpSink) -> list[str]:
    from django.utils import timezone

    from billing.models import Purchase, WebhookEvent
    from jobletters.models import OutboxEntry
    from recruiters.models import Delivery

    entries = OutboxEntry.objects.filter(person_id__in=seekers)
    # Work due now; a packet deferred to tomorrow by a recruiter's daily cap waits rightly.
    waiting = entries.exclude(state__in=[OutboxEntry.State.DONE, OutboxEntry.State.FAILED])
    deadline = time.monotonic() + 300
    while waiting.filter(due_at__lte=timezone.now()).exists() and time.monotonic() < deadline:
        time.sleep(1)
    problems = []
    if n := waiting.filter(due_at__lte=timezone.now()).count():
        problems.append(f"{n} outbox entries still waiting 5 minutes after the run")
    if n := entries.filter(state=OutboxEntry.State.FAILED).count():
        problems.append(f"{n} outbox entries failed")
    deliveries = Delivery.objects.filter(seeker_id__in=seekers)
    settled = [Delivery.State.SENT, *Delivery.DELIVERED, Delivery.State.DEFERRED]
    if n := deliveries.exclude(state__in=settled).count():
        problems.append(f"{n} packets neither sent nor deferred by a daily cap")
    # One email per packet: each recruiter got as many as packets were sent to them.
    expected = Counter(
        deliveries.filter(sent_at__isnull=False).values_list("recruiter__email", flat=True)
    )
    wrong = [a for a, n in expected.items() if sink.received.get(a.lower(), 0) != n]
    if wrong:
        problems.append(f"{len(wrong)} recruiters did not get one email per packet")
    posted = WebhookEvent.objects.filter(
        stripe_event_id__in=[f"evt_bench_{p['session']}" for p in purchases]
    ).count()
    paid = Purchase.objects.filter(
        stripe_checkout_session_id__in=[p["session"] for p in purchases],
        status=Purchase.Status.PAID,
    ).count()
    if paid != posted:
        problems.append(f"{posted} webhooks recorded but {paid} purchases paid")
    return problems


# --- The run -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="2,4,8,16,32", help="people at each step")
    parser.add_argument("--duration", type=int, default=30, help="seconds per step")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()
    steps = [int(n) for n in args.users.split(",")]

    with services.SmtpSink() as sink:
        services.configure(
            EMAIL_URL=sink.url,
            STRIPE_SECRET_KEY="sk_test_bench_only",
            STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
            # Nothing in the mix calls Stripe; a call would fail fast, not reach the internet.
            STRIPE_API_BASE="http://127.0.0.1:9",
        )
        if problem := services.missing_services():
            print(f"bench/load.py: {problem}; skipped")
            return
        services.prepare_database()
        services.manage("collectstatic", "--noinput", "-v", "0")
        services.manage("demo")
        run = uuid.uuid4().hex[:8]
        worker = services.start_worker(concurrency=2, name="load", beat=True)
        try:
            rows, lost = _steps(run, steps, worker, sink, args)
        finally:
            services.stop(worker)
    report = _report(rows, lost, args)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report)
    print(report)


def _steps(run: str, steps: list[int], worker, sink: services.SmtpSink, args) -> tuple:
    """Seed, then each step: the minimal view alone, then the mix; then look for lost work."""
    seeded = _seed(
        run,
        purchases=len(steps) * (max(steps) * args.duration // 4 + 20),
        cvs=len(steps) * (max(steps) * args.duration // 2 + 20),
    )
    data = services.VAR / f"load-{run}.json"
    data.write_text(json.dumps(seeded))
    server, port = _start_gunicorn(args.workers)
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        for step, users in enumerate(steps):
            minimal = _locust(base, users, args.duration, ["Minimal"], data)
            pids = {"gunicorn": [server.pid], "worker": [worker.pid],
                    "postgres": _postmaster()}  # fmt: skip
            cpu_before, started = _cpu_seconds(pids), time.monotonic()
            mixed = _locust(
                base, users, args.duration,
                ["Visitor", "Editor", "Sender", "Exporter", "Recruiter", "Stripe"], data,
                part=f"{step}/{len(steps)}",
            )  # fmt: skip
            elapsed = time.monotonic() - started
            cpu = {k: (v - cpu_before[k]) / elapsed for k, v in _cpu_seconds(pids).items()}
            rows.append((users, minimal, mixed, cpu, os.getloadavg()[0], _backlog(seeded)))
            print(_step_line(rows[-1]), flush=True)
    finally:
        services.stop(server)
        data.unlink()
    return rows, _lost_work(seeded["seekers"], seeded["purchases"], sink)


def _backlog(seeded: dict) -> int:
    """Deferred work due and not done when a step ends: what the worker has not caught up."""
    from django.utils import timezone

    from jobletters.models import OutboxEntry

    return (
        OutboxEntry.objects.filter(person_id__in=seeded["seekers"], due_at__lte=timezone.now())
        .exclude(state__in=[OutboxEntry.State.DONE, OutboxEntry.State.FAILED])
        .count()
    )


def _start_gunicorn(workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = services.free_port()
    log = services.VAR / "gunicorn-load.log"
    env = {**os.environ, "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{port} --workers {workers}"}
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi:application",
         "--config", "gunicorn.conf.py", "--no-control-socket"],
        cwd=services.ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"),
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process, port
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.3)
    services.stop(process)
    raise SystemExit(f"gunicorn did not start; see {log}")


def _total(kinds: list[Kind]) -> Kind:
    return next(k for k in kinds if k.name == "Aggregated")


def _holds(mixed: list[Kind]) -> bool:
    total = _total(mixed)
    return total.failures == 0 and total.p99 < P99_GOAL_MS


def _step_line(row) -> str:
    users, minimal, mixed, cpu, load, backlog = row
    total, base = _total(mixed), _total(minimal)
    return (
        f"{users} people: {total.rps:.1f} requests/s, p99 {total.p99:.0f} ms, "
        f"{total.failures} errors; minimal view alone {base.rps:.0f}/s; "
        f"CPU cores used: gunicorn {cpu['gunicorn']:.2f}, worker {cpu['worker']:.2f}, "
        f"PostgreSQL {cpu['postgres']:.2f}; load average {load:.1f}; worker backlog {backlog}"
    )


def _limit(rows) -> str:
    """What held the first step that missed the goal back, from what was measured."""
    missed = next((row for row in rows if not _holds(row[2])), None)
    if missed is None:
        return "Every step held: the limit is above the last step."
    users, _, mixed, cpu, load, backlog = missed
    cores = os.cpu_count() or 1
    used = cpu["gunicorn"] + cpu["worker"] + cpu["postgres"]
    timeouts = (services.VAR / "gunicorn-load.log").read_text(errors="replace").count("PoolTimeout")
    causes = []
    if timeouts:
        causes.append(f"the database pool ({timeouts} PoolTimeout in gunicorn's log)")
    if backlog > users:
        causes.append(f"the worker ({backlog} entries due and not done when the step ended)")
    if load > cores and used < cores * 0.75:
        causes.append(
            f"CPU taken by other work on the machine: load average {load:.1f} on {cores} cores, "
            f"while the service used {used:.2f} cores (gunicorn {cpu['gunicorn']:.2f}, worker "
            f"{cpu['worker']:.2f}, PostgreSQL {cpu['postgres']:.2f}), so requests waited to be run"
        )
    elif used >= cores * 0.75:
        causes.append(f"CPU: the service used {used:.2f} of {cores} cores")
    return (
        f"What limited the step of {users} people (p99 {_total(mixed).p99:.0f} ms, "
        f"{_total(mixed).failures} errors): " + ("; ".join(causes) or "nothing measured here") + "."
    )


def _report(rows, lost: list[str], args: argparse.Namespace) -> str:
    held = [row for row in rows if _holds(row[2])]
    best = held[-1] if held and not lost else None
    lines = [
        "# Load: a mixed population against the whole service (bench/load.py)",
        "",
        f"gunicorn ({args.workers} workers x 4 threads, gunicorn.conf.py, DEBUG off), "
        "PostgreSQL, Redis, one Celery worker (2 processes) and locust on one machine of "
        f"{os.cpu_count()} cores shared with other work; {args.duration} s per step; each "
        "person thinks 0.5-1.5 s between requests. The minimal view's throughput is measured "
        "alone, right before each step, with as many people and no think time.",
        "",
        "| people | requests/s | p50 ms | p95 ms | p99 ms | errors | minimal view requests/s "
        "| ratio | CPU cores: gunicorn / worker / PostgreSQL (all databases) | load average "
        "| worker backlog |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for users, minimal, mixed, cpu, load, backlog in rows:
        total, base = _total(mixed), _total(minimal)
        lines.append(
            f"| {users} | {total.rps:.1f} | {total.p50:.0f} | {total.p95:.0f} | {total.p99:.0f} "
            f"| {total.failures} | {base.rps:.0f} | {total.rps / base.rps:.2f} | "
            f"{cpu['gunicorn']:.2f} / {cpu['worker']:.2f} / {cpu['postgres']:.2f} | {load:.1f} "
            f"| {backlog} |"
        )
    last = rows[-1]
    lines += [
        "",
        f"Per page kind at the last step ({last[0]} people):",
        "",
        "| page kind | requests | requests/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind in last[2]:
        lines.append(
            f"| {kind.name} | {kind.requests} | {kind.rps:.1f} | {kind.p50:.0f} | "
            f"{kind.p95:.0f} | {kind.p99:.0f} | {kind.failures} |"
        )
    lines += ["", "Lost work after the run (outbox, packets, emails, webhooks): "
              + ("none" if not lost else "; ".join(lost)) + "."]  # fmt: skip
    if best:
        total = _total(best[2])
        lines.append(
            f"Highest step with 0 errors and p99 under {P99_GOAL_MS} ms: {best[0]} people, "
            f"{total.rps:.1f} requests/s (p99 {total.p99:.0f} ms), "
            f"{total.rps / _total(best[1]).rps:.2f}x the minimal view's throughput."
        )
    else:
        lines.append(f"No step held with 0 errors and p99 under {P99_GOAL_MS} ms.")
    lines += ["", _limit(rows)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
