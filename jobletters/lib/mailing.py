"""One email to many people in resumable batches: announcements, notices of change.

A mailing is a :class:`~jobletters.models.Mailing` row whose app registers its audience,
shared context and email. Each batch queues the next recipients after the row's cursor
(outbox key ``<mailing_name>:<id>:<recipient id>``, so nobody gets two), moves the cursor
and defers the next batch in one transaction. Each email counts on the row as sent,
skipped or failed in the transaction that marks its outbox entry (:func:`outbox.on_finish`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from jobletters import outbox
from jobletters.models import Mailing, OutboxEntry

BATCH = "mailing.batch"
SKIPPED = "skipped"


@dataclass(frozen=True)
class Kind:
    model: type[Mailing]
    audience: Callable[[Any], QuerySet[Any]]  # mailing -> its recipients (rows with a pk)
    context: Callable[[Any], dict[str, Any]]  # mailing -> what a batch's emails share
    email: Callable[..., OutboxEntry | None]  # (mailing, recipient, context, *, key)


_kinds: dict[str, Kind] = {}


def register(model: type[Mailing], *, audience: Any, context: Any, email: Any) -> None:
    _kinds[model.mailing_name] = Kind(model, audience, context, email)


def start(mailing: Mailing, *, after: int = 0, due_at: datetime | None = None) -> None:
    """Defer a batch: the first (in the transaction that starts the mailing), or the next."""
    outbox.defer(
        BATCH,
        {"mailing": mailing.mailing_name, "id": mailing.pk, "after": after},
        key=f"{mailing.mailing_name}-batch:{mailing.pk}:{after}",
        due_at=due_at,
    )


def queue_batch(*, name: str, mailing_id: int, after: int) -> int:
    """Queue the emails of the next batch; returns how many were queued."""
    kind = _kinds[name]
    with transaction.atomic():
        mailing = kind.model._default_manager.select_for_update().filter(pk=mailing_id).first()
        if (
            mailing is None
            or mailing.state == Mailing.SENT
            or mailing.queued_at is not None
            or mailing.cursor != after
        ):
            return 0  # this batch was done before (a worker stopped before marking it)
        now = timezone.now()
        mailing.state = Mailing.SENDING  # e.g. a notice gathering changes takes no more
        mailing.started_at = mailing.started_at or now
        recipients = list(
            kind.audience(mailing)
            .filter(pk__gt=after)
            .order_by("pk")[: settings.MAILING_BATCH_SIZE]
        )
        shared = kind.context(mailing) if recipients else {}
        queued = sum(
            kind.email(mailing, r, shared, key=f"{mailing.key_prefix}{r.pk}") is not None
            for r in recipients
        )
        mailing.batches += 1
        if recipients:
            mailing.cursor = recipients[-1].pk
            mailing.queued_count += queued
            start(mailing, after=mailing.cursor)
        else:
            mailing.queued_at = now
            if mailing.waiting <= 0:  # every email already ended (or there were none)
                mailing.state, mailing.finished_at = Mailing.SENT, now
        mailing.save()  # the row is locked: no count changes meanwhile
    return queued


@outbox.handler(BATCH, queue="default", max_attempts=10, time_limit=240)
def _batch(payload: dict[str, Any]) -> None:
    queue_batch(name=payload["mailing"], mailing_id=payload["id"], after=payload["after"])


@outbox.on_finish
def _count(entry: OutboxEntry, state: str) -> None:
    """An email of a mailing ended (or, ``pending``, a failed one is tried again)."""
    name, _, rest = (entry.key or "").partition(":")
    kind = _kinds.get(name)
    if kind is None:
        return  # not an email of a mailing
    rows = kind.model._default_manager.filter(pk=int(rest.partition(":")[0]))
    if state == OutboxEntry.State.PENDING:
        rows.update(failed_count=F("failed_count") - 1)
        return
    if state == OutboxEntry.State.FAILED:
        field = "failed_count"
    else:
        field = "skipped_count" if entry.payload.get("outcome") == SKIPPED else "sent_count"
    rows.update(**{field: F(field) + 1})
    ended = F("sent_count") + F("skipped_count") + F("failed_count")
    sending = rows.filter(  # type: ignore[misc]  # `state` is each concrete mailing's field
        state=Mailing.SENDING, queued_at__isnull=False, queued_count__lte=ended
    )
    sending.update(state=Mailing.SENT, finished_at=timezone.now())
