"""Emails about a change to many people, in resumable batches (§3.3, §6, §9).

A :class:`~privacy.models.ChangeNotice` goes to its audience in batches through the
outbox, like announcements (``communications.announcements``): each batch takes
the next recipients in id order after the notice's cursor, queues one email each
(outbox key ``privacy-notice:<notice id>:<recipient id>``) and defers the next
batch, all in one transaction. A worker that dies mid-batch leaves nothing (the
batch runs again); one that dies after the commit leaves a batch that finds the
cursor moved and does nothing; the keys make a second email to anyone impossible.
When every email has left, the counts are kept on the notice.

Two audiences:

* a published version that reduces people's rights: every active account with a
  confirmed address, frozen ones included (``privacy.documents.notice_audience``);
* changes to processors: the subscribers (``privacy.processors.notice_audience``).
  Changes are gathered for ``PRIVACY_PROCESSOR_NOTICE_DELAY_SECONDS`` first, so
  several edits in a row make one email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from . import promises
from .models import ChangeNotice

BATCH = "privacy.notice_batch"
FINISH = "privacy.notice_finish"


def start(notice: ChangeNotice, *, due_at: datetime | None = None) -> None:
    """Defer the first batch (inside the transaction that made the notice)."""
    _defer_batch(notice, after=0, due_at=due_at)


def _defer_batch(notice: ChangeNotice, *, after: int, due_at: datetime | None = None) -> None:
    from jobletters import outbox

    outbox.defer(
        BATCH,
        {"notice_id": notice.pk, "after": after},
        key=f"privacy-notice-batch:{notice.pk}:{after}",
        due_at=due_at,
    )


def queue_batch(*, notice_id: int, after: int) -> int:
    """Queue the emails of the next batch; returns how many were queued."""
    from jobletters import outbox

    with transaction.atomic():
        notice = ChangeNotice.objects.select_for_update().filter(pk=notice_id).first()
        if notice is None or notice.state == ChangeNotice.State.SENT or notice.cursor != after:
            return 0  # this batch was done before (a worker stopped before marking it)
        now = timezone.now()
        if notice.state == ChangeNotice.State.COLLECTING:
            # From now on a new change starts a new notice.
            notice.state = ChangeNotice.State.SENDING
        if notice.started_at is None:
            notice.started_at = now
        recipients = _audience(notice, after)[: settings.PRIVACY_NOTICE_BATCH_SIZE]
        shared = _shared_context(notice)
        queued = 0
        last = after
        for recipient in recipients:
            last = recipient.pk
            if _queue_email(notice, recipient, shared) is not None:
                queued += 1
        notice.batches += 1
        if last != after:
            notice.cursor = last
            notice.queued_count += queued
            _defer_batch(notice, after=last)
        else:
            notice.queued_at = now
            outbox.defer(FINISH, {"notice_id": notice.pk}, key=f"privacy-notice-finish:{notice.pk}")
        notice.save(
            update_fields=["state", "started_at", "batches", "cursor", "queued_count", "queued_at"]
        )
    return queued


def _audience(notice: ChangeNotice, after: int) -> Any:
    if notice.kind == ChangeNotice.Kind.VERSION:
        from .documents import notice_audience

        return notice_audience(after)
    from .processors import notice_audience

    return notice_audience(after)


def _shared_context(notice: ChangeNotice) -> dict[str, Any]:
    """What every email of the batch says (read once per batch)."""
    if notice.kind == ChangeNotice.Kind.VERSION:
        from .documents import version_url

        return {
            "version": notice.version,
            "url": version_url(notice.version),
            "notice_days": promises.POLICY_NOTICE_DAYS,
            "support_email": settings.SUPPORT_EMAIL,
        }
    from .processors import notice_context

    return notice_context(notice)


def _queue_email(notice: ChangeNotice, recipient: Any, shared: dict[str, Any]) -> Any:
    from jobletters.lib.emails import queue_email

    key = f"{notice.key_prefix}{recipient.pk}"
    if notice.kind == ChangeNotice.Kind.VERSION:
        return queue_email(
            template="privacy/emails/version_notice",
            to=[recipient.email],
            context=shared,
            person=recipient,
            key=key,
        )
    from .processors import notice_email

    return notice_email(recipient, shared, key=key)


@dataclass(frozen=True)
class Progress:
    queued: int
    sent: int
    failed: int
    waiting: int


def progress_of(notice: ChangeNotice) -> Progress:
    """What staff see: from the outbox while sending, as kept once finished (one query)."""
    from jobletters.lib.emails import EMAIL_KIND
    from jobletters.models import OutboxEntry

    if notice.state == ChangeNotice.State.SENT:
        return Progress(notice.queued_count, notice.sent_count, notice.failed_count, 0)
    if notice.state == ChangeNotice.State.COLLECTING:
        return Progress(0, 0, 0, 0)
    State = OutboxEntry.State
    counts = OutboxEntry.objects.filter(
        kind=EMAIL_KIND, key__startswith=notice.key_prefix
    ).aggregate(
        queued=Count("pk"),
        sent=Count("pk", filter=Q(state=State.DONE)),
        failed=Count("pk", filter=Q(state=State.FAILED)),
        waiting=Count("pk", filter=Q(state__in=[State.PENDING, State.RUNNING])),
    )
    return Progress(counts["queued"], counts["sent"], counts["failed"], counts["waiting"])


def progress_words(notice: ChangeNotice) -> str:
    from django.utils.translation import gettext as _

    if notice.state == ChangeNotice.State.COLLECTING:
        return _("Waiting until %(time)s for more changes") % {
            "time": timezone.localtime(notice.send_after).strftime("%Y-%m-%d %H:%M")
        }
    p = progress_of(notice)
    words = _("%(queued)d queued: %(sent)d sent, %(failed)d failed") % {
        "queued": p.queued,
        "sent": p.sent,
        "failed": p.failed,
    }
    if p.waiting:
        words += _(", %(n)d waiting") % {"n": p.waiting}
    if notice.state == ChangeNotice.State.SENDING and notice.queued_at is None:
        words += _(" (still queuing batches)")
    return words


def finish(*, notice_id: int, force: bool = False) -> bool:
    """Once every email has left (or failed for good), keep the counts; True when done."""
    notice = ChangeNotice.objects.filter(pk=notice_id).first()
    if notice is None or notice.state != ChangeNotice.State.SENDING:
        return True
    progress = progress_of(notice)
    if progress.waiting and not force:
        return False
    ChangeNotice.objects.filter(pk=notice_id, state=ChangeNotice.State.SENDING).update(
        state=ChangeNotice.State.SENT,
        finished_at=timezone.now(),
        queued_count=progress.queued,
        sent_count=progress.sent,
        failed_count=progress.failed,
    )
    return True
