"""The outbox: every email and background step is an OutboxEntry row written in the
transaction that needs it, handed to Celery after commit (best effort: the beat sweeper
hands over whatever is due and not done).

A worker claims an entry with one conditional UPDATE, so racing workers and redelivered
messages find nothing to claim; a dead worker's entry is claimed again once its lease
expires. Handlers are registered by kind (``@outbox.handler("profiles.check_cv")``) and
work deferred with ``outbox.defer(kind, payload)``. :class:`Retry` and transient errors
are tried again with backoff; :class:`GiveUp` or any other error fails the entry for staff
to retry from the admin. :func:`on_finish` hooks run in the transaction of the mark.
"""

from __future__ import annotations

import logging
import random
import smtplib
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import psycopg
import redis.exceptions
import stripe
from billiard.exceptions import SoftTimeLimitExceeded
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError
from celery import current_app, shared_task
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from .logging import redact
from .models import OutboxEntry

logger = logging.getLogger(__name__)

State = OutboxEntry.State


class TransientError(Exception):
    """Raised by a service when trying again later may succeed."""


class Retry(Exception):
    """Raised by a handler: try again later (optionally after ``delay`` seconds)."""

    def __init__(self, reason: str = "", *, delay: float | None = None) -> None:
        super().__init__(reason)
        self.delay = delay


class GiveUp(Exception):
    """Raised by a handler: this work can never succeed; fail it now."""


Payload = dict[str, Any]
GiveUpHook = Callable[[Payload, str], None]
FinishHook = Callable[[OutboxEntry, str], None]


@dataclass
class Handler:
    kind: str
    func: Callable[[Payload], Any]
    queue: str = "default"
    max_attempts: int = 10
    # Hard limit for one run (Celery's time_limit); the claim lasts a little longer.
    time_limit: int = 300
    # Payload keys kept once the work is done (None: keep all). A sent email
    # drops its rendered message and keeps only what identifies it.
    keep_when_done: tuple[str, ...] | None = None
    give_up_hooks: list[GiveUpHook] = field(default_factory=list)

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.time_limit + settings.OUTBOX_LEASE_MARGIN_SECONDS)

    def on_give_up(self, hook: GiveUpHook) -> GiveUpHook:
        """Register ``hook(payload, error)``, called once when the entry fails for good."""
        self.give_up_hooks.append(hook)
        return hook

    def __call__(self, payload: Payload) -> Any:
        return self.func(payload)


_handlers: dict[str, Handler] = {}


def handler(
    kind: str,
    *,
    queue: str = "default",
    max_attempts: int = 10,
    time_limit: int | None = None,
    keep_when_done: Iterable[str] | None = None,
) -> Callable[[Callable[[Payload], Any]], Handler]:
    """Register the function that performs one kind of deferred work."""

    def register(func: Callable[[Payload], Any]) -> Handler:
        if kind in _handlers and _handlers[kind].func is not func:
            raise ValueError(f"Outbox handler {kind!r} is registered twice")
        _handlers[kind] = Handler(
            kind=kind,
            func=func,
            queue=queue,
            max_attempts=max_attempts,
            time_limit=time_limit or settings.CELERY_TASK_TIME_LIMIT,
            keep_when_done=tuple(keep_when_done) if keep_when_done is not None else None,
        )
        return _handlers[kind]

    return register


def handler_for(kind: str) -> Handler | None:
    return _handlers.get(kind)


_finish_hooks: list[FinishHook] = []


def on_finish(hook: FinishHook) -> FinishHook:
    """Register ``hook(entry, state)``, called for every entry in the transaction that
    marks it done or failed for good, or (``pending``) reopens a failed one for staff:
    it can neither miss an entry nor see one twice. An error in it undoes the mark."""
    if hook not in _finish_hooks:
        _finish_hooks.append(hook)
    return hook


def _finished(entry: OutboxEntry, state: str) -> None:
    for hook in _finish_hooks:
        hook(entry, state)


def discard(entries: QuerySet[OutboxEntry]) -> int:
    """Delete work that must never run (its person was erased); returns how many.

    Entries not finished yet are finished first, as skipped, so that what counts
    finished work (a mailing's counts, jobletters.lib.mailing) still adds up. Rows are
    locked: a worker finishing one meanwhile marks nothing and calls no hook.
    """
    with transaction.atomic():
        unfinished = entries.exclude(state__in=[State.DONE, State.FAILED])
        for entry in unfinished.select_for_update().order_by("pk"):
            entry.payload = {**entry.payload, "outcome": "skipped"}
            _finished(entry, State.DONE)
        return entries.delete()[0]


# --- Deferring work -------------------------------------------------------------------


def defer(
    kind: str,
    payload: Mapping[str, Any] | None = None,
    *,
    key: str | None = None,
    person: Any = None,
    delay: float | None = None,
    due_at: datetime | None = None,
    max_attempts: int | None = None,
) -> OutboxEntry:
    """Record work to do; it runs after the surrounding transaction commits.

    With ``key``, deferring is idempotent: the existing entry is returned.
    """
    spec = _handlers.get(kind)
    if spec is None:
        raise LookupError(f"No outbox handler for {kind!r} (is the app's tasks.py imported?)")
    now = timezone.now()
    due = due_at or (now + timedelta(seconds=delay) if delay else now)
    values = {
        "kind": kind,
        "queue": spec.queue,
        "payload": dict(payload or {}),
        "person": person if getattr(person, "pk", None) else None,
        "max_attempts": max_attempts or spec.max_attempts,
        "due_at": due,
        # Optimistic: reset to None if the hand-over to the broker fails.
        "enqueued_at": now if due <= now else None,
        "created_at": now,
    }
    if key is not None:
        entry, created = OutboxEntry.objects.get_or_create(key=key, defaults=values)
        if not created:
            return entry
    else:
        entry = OutboxEntry.objects.create(**values)
    if due <= now:
        pk = entry.pk
        transaction.on_commit(lambda: _hand_over([(pk, spec.queue, kind)]))
    return entry


# A broker that failed is not tried again for a few seconds: requests must not
# each wait for a connection timeout while it is down. The sweeper catches up.
_broker_down_until = 0.0
_BROKER_BACKOFF_SECONDS = 15.0


def _hand_over(entries: list[tuple[int, str, str]]) -> list[int]:
    """Send entries to the broker; return the ids that were sent. Never raises."""
    global _broker_down_until
    sent: list[int] = []
    if time.monotonic() >= _broker_down_until:
        for pk, queue, kind in entries:
            spec = _handlers.get(kind)
            limit = spec.time_limit if spec else settings.CELERY_TASK_TIME_LIMIT
            try:
                run_outbox_entry.apply_async(
                    args=(pk,),
                    queue=queue,
                    time_limit=limit,
                    soft_time_limit=soft_time_limit(limit),
                    retry=False,
                )
            except Exception as exc:
                if current_app.conf.task_always_eager:
                    raise  # eager (tests): the work ran here and failed; show it
                _broker_down_until = time.monotonic() + _BROKER_BACKOFF_SECONDS
                logger.warning(
                    "outbox: broker unavailable (%s); %d entries wait for the sweeper",
                    exc.__class__.__name__,
                    len(entries) - len(sent),
                )
                break
            sent.append(pk)
    unsent = [pk for pk, _, _ in entries if pk not in sent]
    if unsent:
        try:
            OutboxEntry.objects.filter(pk__in=unsent, state=State.PENDING).update(enqueued_at=None)
        except DatabaseError:
            logger.warning("outbox: could not mark %d entries for the sweeper", len(unsent))
    return sent


def soft_time_limit(limit: int) -> int:
    """A little before the hard limit, so a handler can stop cleanly and be retried."""
    return max(limit - max(1, min(15, limit // 5)), 1)


# --- Running work -----------------------------------------------------------------------


def run_entry(entry_id: int, *, now: datetime | None = None) -> str:
    """Claim the entry, run its handler, record the outcome. Returns the outcome."""
    now = now or timezone.now()
    row = OutboxEntry.objects.filter(pk=entry_id).values_list("kind", flat=True).first()
    if row is None:
        return "missing"
    spec = _handlers.get(row)
    if spec is None:
        logger.error("outbox: no handler for kind=%s (entry %s left waiting)", row, entry_id)
        return "unknown"
    claimed = (
        OutboxEntry.objects.filter(_claimable(now), pk=entry_id).update(
            state=State.RUNNING,
            attempts=F("attempts") + 1,
            lease_until=now + spec.lease,
            started_at=now,
        )
        == 1
    )
    if not claimed:
        return "skipped"
    entry = OutboxEntry.objects.get(pk=entry_id)
    mine = OutboxEntry.objects.filter(pk=entry_id, attempts=entry.attempts, state=State.RUNNING)
    if entry.attempts > entry.max_attempts:
        # Claimed again after runs that never finished (the worker died each time).
        _give_up(entry, spec, mine, f"stopped after {entry.max_attempts} unfinished attempts")
        return "failed"

    logger.info("outbox: running kind=%s id=%s attempt=%d", spec.kind, entry_id, entry.attempts)
    try:
        spec(entry.payload)
    except Exception as exc:
        error = _describe(exc)
        retryable = not isinstance(exc, GiveUp) and (isinstance(exc, Retry) or is_transient(exc))
        if not retryable:
            logger.error(
                "outbox: kind=%s id=%s failed: %s", spec.kind, entry_id, error, exc_info=True
            )
            _give_up(entry, spec, mine, error)
            return "failed"
        if entry.attempts >= entry.max_attempts:
            logger.warning("outbox: kind=%s id=%s gave up: %s", spec.kind, entry_id, error)
            _give_up(entry, spec, mine, f"gave up after {entry.attempts} attempts: {error}")
            return "failed"
        asked = exc.delay if isinstance(exc, Retry) else None
        delay = asked if asked is not None else backoff(entry.attempts)  # 0 is "at once"
        due = timezone.now() + timedelta(seconds=delay)
        mine.update(state=State.PENDING, due_at=due, lease_until=None, enqueued_at=None,
                    last_error=error)  # fmt: skip
        logger.info(
            "outbox: kind=%s id=%s will retry (attempt %d): %s",
            spec.kind,
            entry_id,
            entry.attempts,
            error,
        )
        return "retry"

    done: dict[str, Any] = {
        "state": State.DONE,
        "finished_at": timezone.now(),
        "lease_until": None,
        "last_error": "",
    }
    if spec.keep_when_done is not None:
        done["payload"] = {k: v for k, v in entry.payload.items() if k in spec.keep_when_done}
    with transaction.atomic():
        if mine.update(**done):
            _finished(entry, State.DONE)
    logger.info("outbox: done kind=%s id=%s", spec.kind, entry_id)
    return "done"


def _give_up(entry: OutboxEntry, spec: Handler, mine: Any, error: str) -> None:
    with transaction.atomic():
        updated = mine.update(
            state=State.FAILED, finished_at=timezone.now(), lease_until=None, last_error=error
        )
        if updated:
            _finished(entry, State.FAILED)
    if not updated:
        return
    for hook in spec.give_up_hooks:
        try:
            hook(entry.payload, error)
        except Exception:
            logger.exception("outbox: give-up hook of kind=%s failed", spec.kind)


def backoff(attempts: int) -> float:
    """Seconds before the next try: exponential, capped, with jitter."""
    base = settings.OUTBOX_RETRY_BASE_SECONDS
    capped: float = min(settings.OUTBOX_RETRY_MAX_SECONDS, base * 2 ** max(attempts - 1, 0))
    return capped * random.uniform(0.8, 1.0)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return redact(f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__)[:1000]


# Outside services that are down or slow: trying again later may succeed.
_TRANSIENT = (
    TransientError,
    Retry,
    ConnectionError,
    TimeoutError,
    OperationalError,  # the database connection dropped
    InterfaceError,
    psycopg.OperationalError,  # the same, outside Django's wrapper (the pool's PoolTimeout)
    HTTPClientError,
    BotoConnectionError,
    stripe.APIConnectionError,
    stripe.RateLimitError,
    SoftTimeLimitExceeded,  # too slow this time
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    KombuOperationalError,
)


def is_transient(exc: BaseException) -> bool:
    """Would trying again later plausibly succeed?"""
    if isinstance(exc, _TRANSIENT):
        return True
    if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
        return False
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code < 500
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        code = exc.response.get("Error", {}).get("Code", "")
        return status >= 500 or status == 429 or "Throttl" in code or code == "SlowDown"
    if isinstance(exc, stripe.APIError):
        return (exc.http_status or 500) >= 500
    return isinstance(exc, OSError)  # smtplib.SMTPException, socket errors


# --- The sweeper and tools ------------------------------------------------------------------


def _due(now: datetime) -> Q:
    resend_after = now - timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS)
    return Q(state=State.PENDING, due_at__lte=now) & (
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=resend_after)
    )


def sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """Hand every due, unfinished entry to the broker (run by beat). Returns how many."""
    now = now or timezone.now()
    # Entries whose worker died mid-run (lease expired) wait again, attempt counted.
    released = OutboxEntry.objects.filter(state=State.RUNNING, lease_until__lt=now).update(
        state=State.PENDING,
        due_at=now,
        lease_until=None,
        enqueued_at=None,
        last_error="The worker stopped before finishing; trying again.",
    )
    if released:
        logger.warning("outbox: %d entries abandoned by a stopped worker will run again", released)
    entries = list(
        OutboxEntry.objects.filter(_due(now))
        .order_by("due_at", "pk")
        .values_list("pk", "queue", "kind")[:limit]
    )
    if not entries:
        return 0
    # Optimistic, as in defer(): marked before the hand-over (which unmarks what it could
    # not send), since a worker may run an entry and ask for a retry before it returns.
    OutboxEntry.objects.filter(pk__in=[pk for pk, _, _ in entries], state=State.PENDING).update(
        enqueued_at=now
    )
    sent = _hand_over(entries)
    logger.info("outbox: sweep handed %d of %d due entries to workers", len(sent), len(entries))
    return len(sent)


def run_due(*, now: datetime | None = None, kinds: Iterable[str] | None = None) -> int:
    """Run every due entry here and now, without a broker (tests, management command)."""
    ran = 0
    for _ in range(100):
        query = OutboxEntry.objects.filter(_claimable(now or timezone.now()))
        if kinds is not None:
            query = query.filter(kind__in=list(kinds))
        ids = list(query.order_by("due_at", "pk").values_list("pk", flat=True)[:500])
        if not ids:
            break
        for pk in ids:
            if run_entry(pk, now=now) != "skipped":
                ran += 1
    return ran


def _claimable(now: datetime) -> Q:
    """Pending and due, or running with an expired lease (its worker died)."""
    return Q(state=State.PENDING, due_at__lte=now) | Q(state=State.RUNNING, lease_until__lt=now)


def retry_now(entry_ids: Iterable[int]) -> int:
    """Staff: run failed (or waiting) entries again as soon as possible."""
    now = timezone.now()
    with transaction.atomic():
        entries = list(
            OutboxEntry.objects.select_for_update().filter(
                pk__in=list(entry_ids), state__in=[State.FAILED, State.PENDING]
            )
        )
        OutboxEntry.objects.filter(pk__in=[e.pk for e in entries]).update(
            state=State.PENDING,
            attempts=0,
            due_at=now,
            enqueued_at=None,
            finished_at=None,
            lease_until=None,
        )
        for entry in entries:
            if entry.state == State.FAILED:
                _finished(entry, State.PENDING)  # not failed any more: it ends again later
    rows = [(e.pk, e.queue, e.kind) for e in entries]
    transaction.on_commit(lambda: _hand_over(rows))
    return len(entries)


# --- The two Celery tasks: run one entry, and sweep for due ones (beat) -------------------
# No Celery-level retries: the outbox records attempts, backoff and failure itself,
# and the sweeper re-sends whatever is due. acks_late + the claim make redelivery safe.


@shared_task(name="jobletters.tasks.run_outbox_entry", autoretry_for=(), max_retries=0)
def run_outbox_entry(entry_id: int) -> str:
    return run_entry(entry_id)


@shared_task(name="jobletters.tasks.sweep_outbox", autoretry_for=(), max_retries=0)
def sweep_outbox() -> int:
    return sweep()
