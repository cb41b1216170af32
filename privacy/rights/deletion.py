"""Deletion (§5, §7): the one home of "erased within 30 days of the request".

A request waits out the grace period with the account frozen (PENDING), then the erasure
job erases the person (ERASING, DONE), waits while a legal hold on everything stands (HELD,
which the law lets outlast the deadline), or after its last try is FAILED for staff. Open
past ``due_at`` and not held, it is late: red in the staff queue, reported by ``manage.py check``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from jobletters import outbox
from jobletters.lib.emails import queue_email
from jobletters.lib.languages import mid_sentence
from privacy import promises
from privacy.models import DeletionRequest, LegalHold
from privacy.registry.declarations import Erasure, declarations

from . import freeze
from .erasure import PersonHeld, end_sessions, erase_person

logger = logging.getLogger(__name__)

ERASE_PERSON = "privacy.erase_person"
State = DeletionRequest.State


def open_deletion_of(user: Any) -> DeletionRequest | None:
    return (
        DeletionRequest.objects.filter(person=user, state__in=freeze.FROZEN_STATES)
        .order_by("-requested_at")
        .first()
    )


def request_deletion(*, user: Any, keep_session: str | None = None) -> DeletionRequest:
    """Freeze the account now and erase it when the grace period ends.

    Other signed-in browsers are signed out (they would see a frozen account);
    ``keep_session`` is the session key of the browser that asked.
    """
    with transaction.atomic():
        get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
        if existing := open_deletion_of(user):
            return existing
        now = timezone.now()
        deletion = DeletionRequest.objects.create(
            person=user,
            requested_at=now,
            grace_ends_at=now + timedelta(days=promises.DELETION_GRACE_DAYS),
            due_at=now + timedelta(days=promises.DELETION_DEADLINE_DAYS),
        )
        end_sessions(user, keep=keep_session)
        queue_email(
            template="privacy/emails/deletion_requested",
            to=[user.email],
            context={"deletion": deletion, "user": user},
            person=user,
            key=f"deletion-requested:{deletion.pk}",
        )
        transaction.on_commit(partial(freeze.account_frozen.send, None, user=user, frozen=True))
    return deletion


def cancel_deletion(*, user: Any) -> DeletionRequest | None:
    """Undo a pending deletion: the account works again as before."""
    with transaction.atomic():
        open_ones = DeletionRequest.objects.select_for_update()
        deletion = open_ones.filter(person=user, state__in=[State.PENDING, State.HELD]).first()
        if deletion is None:
            return None
        deletion.state = State.CANCELLED
        deletion.cancelled_at = timezone.now()
        deletion.save(update_fields=["state", "cancelled_at"])
        queue_email(
            template="privacy/emails/deletion_cancelled",
            to=[user.email],
            context={"user": user},
            person=user,
            key=f"deletion-cancelled:{deletion.pk}",
        )
        transaction.on_commit(partial(freeze.account_frozen.send, None, user=user, frozen=False))
    return deletion


def late_deletions(now: datetime | None = None) -> QuerySet[DeletionRequest]:
    """Requests past their deadline and not waiting for a legal hold."""
    return DeletionRequest.objects.filter(
        state__in=DeletionRequest.UNFINISHED, due_at__lte=now or timezone.now()
    )


def erasure_attempts(due_at: datetime, now: datetime) -> int:
    """Tries of the erasure job, so that its retries (outbox backoff, shortest jitter) last
    until ``due_at``, and at least a day for a request resumed after its deadline."""
    remaining = max((due_at - now).total_seconds(), 24 * 60 * 60)
    base, cap = settings.OUTBOX_RETRY_BASE_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS
    attempts, waited = 1, 0.0
    while waited < remaining:
        waited += 0.8 * min(cap, base * 2 ** (attempts - 1))
        attempts += 1
    return attempts


def _start_erasure(pk: int, from_state: str, now: datetime) -> bool:
    with transaction.atomic():
        deletion = (
            DeletionRequest.objects.select_for_update().filter(pk=pk, state=from_state).first()
        )
        if deletion is None:
            return False
        deletion.state = State.ERASING
        deletion.save(update_fields=["state"])
        # One erasure job per start: a held request that resumes gets a new one.
        resumed = "" if from_state == State.PENDING else f":resumed:{now.isoformat()}"
        outbox.defer(
            ERASE_PERSON,
            {"deletion_id": pk},
            key=f"erase:{pk}{resumed}",
            max_attempts=erasure_attempts(deletion.due_at, now),
        )
    return True


def purge_due_deletions(*, now: datetime | None = None) -> int:
    """The beat job (every 15 min): start every erasure that is due, resume those whose hold
    was released, and log each late request at ERROR. Returns how many it started."""
    now = now or timezone.now()
    due = DeletionRequest.objects.filter(state=State.PENDING, grace_ends_at__lte=now)
    # A hold on some sections lets the rest be erased (erasure.is_held): only one on
    # everything keeps the request waiting.
    whole_hold = LegalHold.objects.filter(
        person=OuterRef("person"), released_at__isnull=True, sections=[]
    )
    released = DeletionRequest.objects.filter(state=State.HELD).exclude(Exists(whole_hold))
    started = sum(
        _start_erasure(pk, State.PENDING, now) for pk in due.values_list("pk", flat=True)[:500]
    )
    started += sum(
        _start_erasure(pk, State.HELD, now) for pk in released.values_list("pk", flat=True)[:500]
    )
    for late in late_deletions(now).order_by("due_at")[:100]:
        logger.error(
            "deletion: request %s is late: due %s, %s",
            late.pk,
            late.due_at.isoformat(),
            late.get_state_display().lower(),
        )
    return started


def run_deletion(*, deletion_id: int) -> DeletionRequest | None:
    """The erasure job for one request: erase, or wait while a hold stands."""
    deletion = DeletionRequest.objects.filter(pk=deletion_id).first()
    if deletion is None or deletion.state in (State.CANCELLED, State.DONE):
        return deletion
    if deletion.person_id is not None:
        try:
            erase_person(deletion.person_id)
        except PersonHeld:
            # The purge job starts it again once the hold is released.
            DeletionRequest.objects.filter(pk=deletion_id).update(state=State.HELD)
            logger.info("deletion: request %s waits for a legal hold", deletion_id)
            deletion.refresh_from_db()
            return deletion
    DeletionRequest.objects.filter(pk=deletion_id).update(
        state=State.DONE, erased_at=timezone.now(), last_error="", person=None
    )
    deletion.refresh_from_db()
    return deletion


def erasure_failed(*, deletion_id: int, error: str) -> None:
    """The erasure job's last try failed: staff must act (the queue shows it)."""
    DeletionRequest.objects.filter(pk=deletion_id).exclude(state=State.DONE).update(
        state=State.FAILED, last_error=error[:2000]
    )
    logger.error("deletion: the erasure of request %s failed: %s", deletion_id, error[:200])


def kept_after_deletion(user: Any) -> list[tuple[str, str]]:
    """(what, how long) the law makes us keep of this person once their account is
    deleted: only records they have, and each rule once with all it covers
    ("Billing account, purchases, send credits")."""
    kept: dict[str, list[str]] = {}
    for d in declarations():
        if d.erasure is Erasure.RETAIN and d.rows_for(user).exists():
            kept.setdefault(d.retention.words(), []).append(d.label)
    return [
        (", ".join([labels[0], *map(mid_sentence, labels[1:])]), words)
        for words, labels in kept.items()
    ]
