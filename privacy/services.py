"""Privacy services: the consent ledger, the disclosure log, export and deletion requests.

Domain apps call these (``privacy`` imports only Django, never them):

* :func:`record_consent` before anything that needs a consent (a send to
  recruiters, marketing email), and for withdrawals;
* :func:`record_disclosure` every time personal data leaves the system. It is
  idempotent on ``reference``: a redelivered task records one disclosure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import freeze, promises
from .models import Consent, DeletionRequest, Disclosure, ExportRequest, PolicyVersion


def record_consent(
    *,
    person: Any,
    purpose: str,
    granted: bool,
    text: str,
    recipients: Iterable[Mapping[str, Any]] = (),
    data_categories: Iterable[str] = (),
    reference: str = "",
) -> Consent:
    """Add a consent (or withdrawal) with the words shown and the policy in force."""
    if not text.strip():
        raise ValueError("A consent records the exact words the person was shown.")
    return Consent.objects.create(
        person=person,
        purpose=Consent.Purpose(purpose),
        granted=granted,
        text=text,
        policy_version=PolicyVersion.objects.current(),
        recipients=[dict(r) for r in recipients],
        data_categories=list(data_categories),
        reference=reference[:100],
    )


def record_disclosure(
    *,
    person: Any,
    recipient_kind: str,
    recipient_name: str,
    data_categories: Iterable[str],
    basis: str,
    reference: str,
    recipient_reference: str = "",
    consent: Consent | None = None,
    legal_reference: str = "",
) -> Disclosure:
    """Record that personal data left the system; once per ``reference``."""
    if basis == Disclosure.Basis.CONSENT and consent is None:
        raise ValueError("A disclosure based on consent must name the consent.")
    values = {
        "person": person,
        "recipient_kind": Disclosure.RecipientKind(recipient_kind),
        "recipient_name": recipient_name[:300],
        "recipient_reference": recipient_reference[:100],
        "data_categories": list(data_categories),
        "basis": Disclosure.Basis(basis),
        "consent": consent,
        "legal_reference": legal_reference[:200],
    }
    try:
        with transaction.atomic():
            disclosure, _ = Disclosure.objects.get_or_create(reference=reference, defaults=values)
    except IntegrityError:  # a concurrent writer recorded it first
        disclosure = Disclosure.objects.get(reference=reference)
    return disclosure


# --- Export requests (§7) ------------------------------------------------------------------


class ExportTooSoon(Exception):
    """One copy per interval; ``available_at`` says when the next can be asked for."""

    def __init__(self, available_at: datetime) -> None:
        super().__init__(f"The next copy can be requested from {available_at:%Y-%m-%d %H:%M}.")
        self.available_at = available_at


BUILD_EXPORT = "privacy.build_export"
ERASE_PERSON = "privacy.erase_person"


def next_export_at(*, user: Any) -> datetime | None:
    """When the person may ask for another copy (None: now). Failed ones do not count."""
    last = (
        ExportRequest.objects.filter(person=user)
        .exclude(state=ExportRequest.State.FAILED)
        .order_by("-requested_at")
        .values_list("requested_at", flat=True)
        .first()
    )
    if last is None:
        return None
    available = last + timedelta(hours=promises.EXPORT_INTERVAL_HOURS)
    return available if available > timezone.now() else None


def request_export(*, user: Any) -> ExportRequest:
    """Ask for a copy of everything: a worker builds it (privacy.tasks)."""
    from jobletters import outbox
    from jobletters.lib.files import generate_key

    with transaction.atomic():
        # One request at a time per person, even from two tabs.
        get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
        if available_at := next_export_at(user=user):
            raise ExportTooSoon(available_at)
        export = ExportRequest.objects.create(person=user)
        outbox.defer(
            BUILD_EXPORT,
            {"export_id": export.pk, "file_key": generate_key("exports", "zip")},
            key=f"export:{export.pk}",
            person=user,
        )
    return export


def exports_of(user: Any) -> QuerySet[ExportRequest]:
    """A person's export requests: the only way views reach one (another's is a 404)."""
    return ExportRequest.objects.filter(person=user)


def mark_export_downloaded(*, export: ExportRequest) -> None:
    if export.downloaded_at is None:
        export.downloaded_at = timezone.now()
        export.save(update_fields=["downloaded_at"])


# --- Deletion requests (§5, §7) ----------------------------------------------------------------


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
    from . import registry

    session_model = apps.get_model("sessions", "Session")
    declaration = registry.declaration_for(session_model)
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

    from . import registry

    kept: dict[str, list[str]] = {}
    for d in registry.declarations():
        if d.erasure is registry.Erasure.RETAIN and d.rows_for(user).exists():
            kept.setdefault(d.retention.words(), []).append(d.label)
    return [
        (", ".join([labels[0], *map(mid_sentence, labels[1:])]), words)
        for words, labels in kept.items()
    ]
