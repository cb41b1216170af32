"""Deletion (§5, §7): request → grace period → erasure, holds respected, within the deadline."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from privacy import promises
from privacy.models import DeletionRequest

from . import freeze

ERASE_PERSON = "privacy.erase_person"


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
    from jobletters.lib.emails import queue_email

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
        _end_other_sessions(user, keep_session)
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
    from jobletters.lib.emails import queue_email

    with transaction.atomic():
        deletion = (
            DeletionRequest.objects.select_for_update()
            .filter(
                person=user,
                state__in=[DeletionRequest.State.PENDING, DeletionRequest.State.HELD],
            )
            .first()
        )
        if deletion is None:
            return None
        deletion.state = DeletionRequest.State.CANCELLED
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


def _end_other_sessions(user: Any, keep_session: str | None) -> None:
    from privacy.registry.declarations import declaration_for

    session_model = apps.get_model("sessions", "Session")
    declaration = declaration_for(session_model)
    if declaration is None:
        return
    rows = declaration.rows_for(user)
    if keep_session:
        rows = rows.exclude(session_key=keep_session)
    rows.delete()


def purge_due_deletions(*, now: datetime | None = None) -> int:
    """Hand every deletion whose grace period ended to the erasure job (beat, every 15 min)."""
    from jobletters import outbox

    now = now or timezone.now()
    due = DeletionRequest.objects.filter(
        state=DeletionRequest.State.PENDING, grace_ends_at__lte=now
    ).values_list("pk", flat=True)
    started = 0
    for pk in list(due[:500]):
        with transaction.atomic():
            updated = DeletionRequest.objects.filter(
                pk=pk, state=DeletionRequest.State.PENDING
            ).update(state=DeletionRequest.State.ERASING)
            if updated:
                outbox.defer(ERASE_PERSON, {"deletion_id": pk}, key=f"erase:{pk}")
                started += 1
    return started


def run_deletion(*, deletion_id: int) -> DeletionRequest | None:
    """The erasure job for one request: erase, or wait while a hold stands."""
    from jobletters import outbox

    from .erasure import PersonHeld, erase_person

    deletion = DeletionRequest.objects.filter(pk=deletion_id).first()
    if deletion is None or deletion.state in (
        DeletionRequest.State.CANCELLED,
        DeletionRequest.State.DONE,
    ):
        return deletion
    if deletion.person_id is not None:
        try:
            erase_person(deletion.person_id)
        except PersonHeld:
            DeletionRequest.objects.filter(pk=deletion_id).update(state=DeletionRequest.State.HELD)
            # Looked at again every hour until the hold is released.
            raise outbox.Retry("A legal hold stands", delay=60 * 60) from None
    DeletionRequest.objects.filter(pk=deletion_id).update(
        state=DeletionRequest.State.DONE, erased_at=timezone.now(), last_error="", person=None
    )
    deletion.refresh_from_db()
    return deletion


def erasure_failed(*, deletion_id: int, error: str) -> None:
    DeletionRequest.objects.filter(pk=deletion_id).exclude(state=DeletionRequest.State.DONE).update(
        state=DeletionRequest.State.FAILED, last_error=error[:2000]
    )


def kept_after_deletion(user: Any) -> list[tuple[str, str]]:
    """(what, how long) the law makes us keep of this person once their account is
    deleted: only records they have, and each rule once with all it covers
    ("Billing account, purchases, send credits")."""
    from jobletters.lib.languages import mid_sentence
    from privacy.registry.declarations import Erasure, declarations

    kept: dict[str, list[str]] = {}
    for d in declarations():
        if d.erasure is Erasure.RETAIN and d.rows_for(user).exists():
            kept.setdefault(d.retention.words(), []).append(d.label)
    return [
        (", ".join([labels[0], *map(mid_sentence, labels[1:])]), words)
        for words, labels in kept.items()
    ]
