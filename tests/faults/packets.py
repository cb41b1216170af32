"""Packets for the fault scenarios: a seeker's send to recruiters, and what it must end as."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Sum
from django.utils import timezone

from billing.models import LedgerEntry
from jobletters import outbox
from jobletters.models import OutboxEntry
from privacy.models import Disclosure
from recruiters import report, sending
from recruiters.models import Delivery

from ..recruiters import builders as b
from ..utils import wait_until


def send_to_recruiters(seeker, count: int) -> list[Delivery]:
    """The seeker's packet to ``count`` recruiters, confirmed: deliveries and their outbox work."""
    b.ready_seeker(seeker, sends=10)
    lawyers, london = b.occupation("2611"), b.city("London")
    ids = [b.recruiter(occupations=[lawyers], places=[london]).pk for _ in range(count)]
    plan = sending.plan_send(seeker=seeker, recruiter_ids=ids)
    send = sending.confirm_send(
        seeker=seeker, recruiter_ids=ids, include_contact=False,
        consent_given=True, digest=plan.digest,
    )  # fmt: skip
    return list(send.deliveries.order_by("pk"))


def the_lease_runs_out() -> None:
    """What the end of a dead worker's lease does, now: its claims can be taken again.

    Only once no worker is running them (the test killed it), so no live claim is cut."""
    past = timezone.now() - timedelta(seconds=1)
    OutboxEntry.objects.filter(state=OutboxEntry.State.RUNNING).update(lease_until=past)
    OutboxEntry.objects.filter(state=OutboxEntry.State.PENDING).update(due_at=past)
    Delivery.objects.filter(state=Delivery.State.SENDING).update(claim_expires_at=past)


def settled(deliveries: list[Delivery], *, timeout: float = 60) -> list[Delivery]:
    """Every delivery sent (the sweeper handing work over, as beat does), fresh from the db."""

    def done() -> bool:
        outbox.sweep()
        return all(Delivery.objects.get(pk=d.pk).sent_at is not None for d in deliveries)

    assert wait_until(done, timeout=timeout), [
        Delivery.objects.filter(pk=d.pk).values("state", "handed_over_at").first()
        for d in deliveries
    ]
    return [Delivery.objects.get(pk=d.pk) for d in deliveries]


@dataclass(frozen=True)
class Outcome:
    received: dict[str, int]  # Message-ID → how many times the mail server got it
    statuses: list[str]  # the seeker's report
    charged: int  # sends consumed
    disclosures: int


def outcome(seeker, deliveries: list[Delivery], messages: list) -> Outcome:
    ids = [d.message_id for d in deliveries]
    consumed = LedgerEntry.objects.filter(
        account__user=seeker, kind=LedgerEntry.Kind.CONSUMPTION
    ).aggregate(s=Sum("sends"))["s"]
    return Outcome(
        received={i: sum(1 for m in messages if m["Message-ID"] == i) for i in ids},
        statuses=[report.status_of(Delivery.objects.get(pk=d.pk)) for d in deliveries],
        charged=-(consumed or 0),
        disclosures=Disclosure.objects.filter(person=seeker).count(),
    )
