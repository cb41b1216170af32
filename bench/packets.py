"""Packet deliveries through a real worker to an SMTP sink, against no-op outbox work.

1,000 recruiters (by default) each receive one packet from one seeker: 40 sends of 25,
made through the same services as the consent screen (``plan_send`` then
``confirm_send``), in one transaction, so that every delivery is handed to the broker
at one commit. A real Celery worker (prefork, 2 processes, PostgreSQL and Redis) sends
them to an SMTP sink (aiosmtpd) in this process. The baseline, measured in the same
run by the same worker: as many outbox entries whose handler does nothing, deferred
the same way. Each phase is timed from the commit to the last entry done.

Prints both rates and their ratio (goal: at least 0.5x the no-op rate), and checks
that every recruiter got exactly one email, every delivery is sent and no outbox
entry is left undone. The seeker is erased and the recruiters deleted afterwards.

    .venv/bin/python bench/packets.py [--packets 1000] [--concurrency 2]

Needs PostgreSQL and Redis on 127.0.0.1 (bench/support/services.py). Nothing here
asserts a time; a check that fails exits with status 1.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support import services

PER_SEND = 25


def _recruiters(count: int, run: str) -> list[int]:
    from recruiters.directory import RecruiterData, save_recruiters
    from tests.recruiters import builders

    lawyer, london = builders.occupation("2611"), builders.city("London")
    created, _ = save_recruiters(
        [
            RecruiterData(
                name=f"Bench Recruiter {n}",
                agency=f"Bench Agency {n}",
                email=f"r{n}.{run}@bench-recruiters.example",
                occupation_ids=[lawyer.pk],
                place_ids=[london.pk],
                languages=["English"],
            )
            for n in range(count)
        ]
    )
    return created


def _queue_packets(seeker, recruiter_ids: list[int]) -> None:
    from django.db import transaction

    from recruiters.sending import confirm_send, plan_send

    with transaction.atomic():  # one commit hands every delivery over
        for start in range(0, len(recruiter_ids), PER_SEND):
            chosen = recruiter_ids[start : start + PER_SEND]
            plan = plan_send(seeker=seeker, recruiter_ids=chosen)
            if plan.problems or len(plan.matches) != len(chosen):
                raise SystemExit(f"the send could not be planned: {plan.problems}")
            confirm_send(
                seeker=seeker, recruiter_ids=chosen, include_contact=False,
                consent_given=True, digest=plan.digest,
            )  # fmt: skip


def _queue_noops(count: int, run: str) -> None:
    from django.db import transaction

    from bench.support.noop import NOOP
    from jobletters import outbox

    with transaction.atomic():
        for n in range(count):
            outbox.defer(NOOP, {"n": n}, key=f"bench-noop:{run}:{n}")


def _wait(entries, count: int, timeout: float) -> float:
    """Seconds until ``count`` of ``entries`` are done (or failed), polled."""
    from jobletters.models import OutboxEntry

    start = time.perf_counter()
    finished = [OutboxEntry.State.DONE, OutboxEntry.State.FAILED]
    while time.perf_counter() - start < timeout:
        if entries.filter(state__in=finished).count() >= count:
            return time.perf_counter() - start
        time.sleep(0.05)
    raise SystemExit(f"not finished within {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--packets", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    args = parser.parse_args()

    with services.SmtpSink() as sink:
        services.configure(EMAIL_URL=sink.url)
        if problem := services.missing_services():
            print(f"bench/packets.py: {problem}; skipped")
            return
        services.prepare_database()
        worker = services.start_worker(concurrency=args.concurrency, name="packets")
        try:
            _run(args, sink)
        finally:
            services.stop(worker)


def _run(args: argparse.Namespace, sink: services.SmtpSink) -> None:
    from bench.support.noop import NOOP
    from jobletters.models import OutboxEntry
    from privacy.rights.erasure import erase_person
    from recruiters.models import Delivery, Recruiter
    from recruiters.sending import DELIVER_PACKET
    from tests.factories import UserFactory
    from tests.recruiters import builders

    run = uuid.uuid4().hex[:8]
    count = args.packets
    timeout = max(120.0, count * 0.5)
    recruiter_ids = _recruiters(count, run)
    seeker = builders.ready_seeker(
        UserFactory(email=f"seeker.{run}@bench-seekers.example", name="Sam Seeker"), sends=count
    )
    try:
        # Warm-up: the worker's processes import, connect and render once.
        _queue_noops(args.concurrency * 4, run + "w")
        _wait(OutboxEntry.objects.filter(key__startswith=f"bench-noop:{run}w:"), 8, 60)

        _queue_noops(count, run)
        noop_seconds = _wait(
            OutboxEntry.objects.filter(key__startswith=f"bench-noop:{run}:"), count, timeout
        )
        _queue_packets(seeker, recruiter_ids)
        packet_seconds = _wait(
            OutboxEntry.objects.filter(kind=DELIVER_PACKET, person=seeker), count, timeout
        )

        deliveries = Delivery.objects.filter(seeker=seeker)
        not_sent = deliveries.exclude(state=Delivery.State.SENT).count()
        emails = set(Recruiter.objects.filter(pk__in=recruiter_ids).values_list("email", flat=True))
        wrong = {a: n for a, n in sink.received.items() if a in emails and n != 1}
        missing = emails - set(sink.received)
        undone = (
            OutboxEntry.objects.filter(kind__in=[NOOP, DELIVER_PACKET], key__contains=run)
            .exclude(state=OutboxEntry.State.DONE)
            .count()
            + OutboxEntry.objects.filter(kind=DELIVER_PACKET, person=seeker)
            .exclude(state=OutboxEntry.State.DONE)
            .count()
        )
    finally:
        erase_person(seeker.pk, final_email=False)
        Recruiter.objects.filter(pk__in=recruiter_ids).delete()
        OutboxEntry.objects.filter(kind=NOOP).delete()

    noop_rate, packet_rate = count / noop_seconds, count / packet_seconds
    print(
        f"{count} entries each, a worker of {args.concurrency} processes, "
        "PostgreSQL + Redis + SMTP sink on 127.0.0.1"
    )
    print("| work | seconds | per second | ms per entry | ratio |")
    print("|---|---|---|---|---|")
    print(f"| no-op outbox entries (baseline) | {noop_seconds:.1f} | {noop_rate:.0f} | "
          f"{1000 / noop_rate:.1f} | 1.00 |")  # fmt: skip
    print(f"| packet deliveries | {packet_seconds:.1f} | {packet_rate:.0f} | "
          f"{1000 / packet_rate:.1f} | {packet_rate / noop_rate:.2f} |")  # fmt: skip
    print(f"packets/no-op ratio: {packet_rate / noop_rate:.2f}x (goal: at least 0.5x)")
    print(
        f"emails: {sum(sink.received.values())} received for {len(emails)} recruiters; "
        f"{len(missing)} without one, {len(wrong)} with more than one; "
        f"deliveries not sent: {not_sent}; outbox entries not done: {undone}"
    )
    if missing or wrong or not_sent or undone:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
