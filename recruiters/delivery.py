"""Sending packets, exactly once (run by a worker, from the outbox).

Each :class:`~recruiters.models.Delivery` was written with its outbox entry in
the transaction that confirmed the send. A worker runs :func:`deliver_packet`:

1. *claim* the delivery with one conditional UPDATE (queued or deferred →
   sending, with a lease), under the recruiter's row lock so that their daily
   cap is counted once; a packet over the cap waits for the next day (a new
   outbox entry due then) instead;
2. render the email and send it over SMTP; after the body and just before the
   final dot of DATA, record ``handed_over_at`` in its own committed transaction
   (``recruiters.mail``): from here on the recruiter's mail server may have it;
3. on the server's "250", *mark it sent* (``sending.mark_sent``, the send's owner) in
   one transaction: the disclosure record, the consumed send, ``sent_at``.

Exactly once, precisely: anything that fails before the final dot (no connection,
no greeting, a refused command, a worker killed, the database gone while writing
the mark) leaves ``handed_over_at`` empty, so the packet is sent again later with
the same Message-ID; the recruiter's server never had the earlier attempt, which
ended before the dot. The one ambiguous window runs from the final dot to the
"sent" mark: a run that stops there (no answer from the server, a worker killed,
the database gone before the mark) is never sent again and is recorded as *sent
(unconfirmed)* (``sent_unconfirmed``): the disclosure record and the consumed send
included, because the server most likely has it. A server that answers the dot
with an error did not take the packet: it waits in the queue again (or fails for
good on a permanent error, and its send is returned).

A redelivered or racing run finds the delivery claimed or sent and sends
nothing; a revocation before the final dot stops the packet there.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from billing import ledger
from jobletters import outbox
from jobletters.lib.emails import deliver, render_email
from jobletters.lib.languages import language_of_words
from privacy.rights.freeze import frozen_people

from . import own_data, packets
from .mail import packet_connection
from .models import Delivery, Recruiter
from .sending import DELIVER_PACKET, fail_delivery, mark_sent, release_reservation

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

logger = logging.getLogger(__name__)

State = Delivery.State


# --- The worker's steps ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    delivery: Delivery  # with its send and its recruiter as locked for the claim
    claimed_at: datetime
    token: str


def deliver_packet(*, delivery_id: int) -> str:
    """Send one packet if it is still to be sent; returns what happened."""
    claim = _claim(delivery_id)
    if isinstance(claim, str):
        return claim
    handover = _Handover(claim)
    try:
        deliver(
            _render(claim),
            kind="recruiters.packet",
            connection=packet_connection(before_final_dot=handover),
        )
    except _Superseded:
        # Revoked, claimed again, or its recruiter erased before the final dot: nothing left.
        gone = not Delivery.objects.filter(pk=delivery_id, recruiter__isnull=False).exists()
        if gone and fail_delivery(delivery_id=delivery_id, reason=_LEFT_DIRECTORY):
            return "failed"
        return "revoked"
    except Exception as exc:
        if handover.done and not isinstance(exc, smtplib.SMTPResponseException):
            # No answer to the final dot: the server may have it. Never sent again.
            logger.warning(
                "packet %s: no answer after the final dot; sent (unconfirmed)", delivery_id
            )
            mark_sent(delivery_id=delivery_id, confirmed=False)
            return "sent (unconfirmed)"
        if _back_to_queue(claim):
            raise  # the outbox retries with backoff, or gives up (gave_up below)
        return "revoked"
    mark_sent(delivery_id=delivery_id)
    return "sent"


class _Superseded(Exception):
    """Before its final dot, the delivery was revoked, claimed by another run, or its
    recruiter erased."""


class _Handover:
    """Called just before the final dot: records that the packet may leave from now on."""

    def __init__(self, claim: _Claim) -> None:
        self.claim = claim
        self.done = False

    def __call__(self) -> None:
        # One UPDATE, committed on its own (workers run in autocommit) before the dot.
        marked = Delivery.objects.filter(
            pk=self.claim.delivery.pk,
            state=State.SENDING,
            claimed_at=self.claim.claimed_at,
            recruiter__isnull=False,
        ).update(handed_over_at=timezone.now())
        if not marked:
            raise _Superseded
        self.done = True


def _lease() -> timedelta:
    spec = outbox.handler_for(DELIVER_PACKET)
    if spec is not None:
        return spec.lease
    return timedelta(seconds=settings.RECRUITERS_PACKET_TIME_LIMIT)


class _Facts(TypedDict):
    seeker_frozen: bool  # waiting to be deleted
    still_held: bool  # the delivery's send is still set aside for it
    cv_ready: bool  # the CV the seeker chose is still there


def _claim(delivery_id: int) -> _Claim | str:
    now = timezone.now()
    # What decides whether it may leave, read with it (one statement).
    delivery = (
        Delivery.objects.select_related("seeker", "send")
        .annotate(
            seeker_frozen=Exists(frozen_people().filter(pk=OuterRef("seeker_id"))),
            still_held=Exists(ledger.held_reservations().filter(pk=OuterRef("reservation_id"))),
            cv_ready=packets.chosen_cv_ready(),
        )
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        return "missing"
    if delivery.sent_at is not None:
        return "already sent"
    if delivery.handed_over_at is not None:
        if delivery.claim_expires_at and delivery.claim_expires_at > now:
            raise outbox.Retry("another worker is sending it", delay=_seconds(delivery, now))
        # A run stopped after the final dot: the server may have it, so never again.
        logger.warning(
            "packet %s: sender stopped after the final dot; sent (unconfirmed)", delivery_id
        )
        mark_sent(delivery_id=delivery_id, confirmed=False)
        return "sent (unconfirmed)"
    if delivery.state in (State.FAILED, State.REVOKED, *Delivery.DELIVERED):
        return "nothing to do"
    if (
        delivery.state == State.SENDING
        and delivery.claim_expires_at is not None
        and delivery.claim_expires_at > now
    ):
        raise outbox.Retry("another worker is sending it", delay=_seconds(delivery, now))

    recruiter_id = delivery.recruiter_id
    refusal = _LEFT_DIRECTORY if recruiter_id is None else _refusal(delivery)
    if recruiter_id is None or refusal:
        fail_delivery(delivery_id=delivery_id, reason=refusal)
        return "failed"

    with transaction.atomic():
        # One worker at a time per recruiter, so the daily cap is counted once.
        recruiter = Recruiter.objects.select_for_update().filter(pk=recruiter_id).first()
        if recruiter is None:
            fail_delivery(delivery_id=delivery_id, reason=_LEFT_DIRECTORY)
            return "failed"
        if not recruiter.is_reachable:
            fail_delivery(delivery_id=delivery_id, reason=_NOT_REACHABLE)
            return "failed"
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        used_today = (
            Delivery.objects.filter(recruiter=recruiter)
            .filter(Q(sent_at__gte=today) | Q(state=State.SENDING))
            .exclude(pk=delivery_id)
            .count()
        )
        if used_today >= recruiter.daily_cap:
            return _defer_to_tomorrow(delivery, tomorrow=today + timedelta(days=1))
        claimable = Q(state__in=Delivery.WAITING) | Q(
            state=State.SENDING, claim_expires_at__lt=now, handed_over_at__isnull=True
        )
        claimed = Delivery.objects.filter(claimable, pk=delivery_id).update(
            state=State.SENDING,
            claimed_at=now,
            claim_expires_at=now + _lease(),
            deferred_until=None,
        )
        if not claimed:
            return "claimed elsewhere"
        token = packets.issue_link(delivery=delivery)
    # The email is written to the recruiter as read under the lock: no second read.
    delivery.recruiter = recruiter
    return _Claim(delivery=delivery, claimed_at=now, token=token)


def _seconds(delivery: Delivery, now: datetime) -> float:
    expires = delivery.claim_expires_at or now
    return max((expires - now).total_seconds(), 0) + 1


# Reasons are stored in English (marked for the catalogue) and shown in the reader's
# language by recruiters.report.
_LEFT_DIRECTORY = gettext_noop("The recruiter left our directory; your send was returned to you.")
_NOT_REACHABLE = gettext_noop(
    "The recruiter no longer receives packets; your send was returned to you."
)


def _refusal(delivery: WithAnnotations[Delivery, _Facts]) -> str:
    """Why this packet must not leave now ("" if it may)."""
    if delivery.seeker_frozen or not delivery.seeker.is_active:
        try:
            ledger.check_may_spend(delivery.seeker)  # asked again, for its words
        except ledger.SpendingRefused as refused:
            return f"Not sent: {refused}"
    if delivery.reservation_id and not delivery.still_held:
        return gettext_noop(
            "Not sent: the send for it was taken back (after a refund or a payment dispute)."
        )
    if not delivery.cv_ready:
        return gettext_noop("Not sent: the CV you chose was deleted before the packet left.")
    return ""


def _defer_to_tomorrow(delivery: Delivery, *, tomorrow: datetime) -> str:
    Delivery.objects.filter(pk=delivery.pk, state__in=Delivery.WAITING).update(
        state=State.DEFERRED, deferred_until=tomorrow
    )
    outbox.defer(
        DELIVER_PACKET,
        {"delivery_id": delivery.pk},
        key=f"delivery:{delivery.pk}:{tomorrow:%Y-%m-%d}",
        person=delivery.seeker,
        # Spread the day's start a little: not every deferred packet at 00:00:00.
        due_at=tomorrow + timedelta(seconds=delivery.pk % 600),
    )
    return "deferred"


def _render(claim: _Claim) -> EmailMultiAlternatives:
    """The packet's email."""
    delivery = claim.delivery
    recruiter = delivery.recruiter
    assert recruiter is not None  # locked by the claim
    opt_out = packets.opt_out_url(recruiter.pk)
    snapshot = delivery.send.snapshot
    context = packets.email_context(
        snapshot=snapshot,
        reason=delivery.reason,
        role=delivery.role,
        place=delivery.place,
        recruiter=recruiter,
        packet_link=packets.packet_url(claim.token),
        opt_out_link=opt_out,
    )
    context["own_page_link"] = own_data.own_page_url(recruiter)
    return render_email(
        template=packets.EMAIL_TEMPLATE,
        to=[recruiter.email],
        context=context,
        headers={
            "Message-ID": delivery.message_id,
            # RFC 8058 one-click opt-out (and RFC 2369's header it builds on).
            "List-Unsubscribe": f"<{opt_out}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        # A blind packet names no one, so replies have nowhere to go.
        reply_to=[snapshot["email"]] if packets.shown(snapshot).get("email") else None,
        from_email=sender(),
        # Our words in the recruiter's first listed language if we have it, else English;
        # the seeker's letter stays as they wrote it.
        language=language_of_words(recruiter.languages),
    )


def sender() -> str:
    """ "Job Letters <no-reply@…>": the packet comes from us, under the site's name only.

    The seeker's name is in the subject and the body; in the From name it would let text
    the seeker controls pass for a sender the recruiter trusts. Replies go to the seeker
    (Reply-To)."""
    return formataddr((settings.SITE_NAME, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))


def _back_to_queue(claim: _Claim) -> bool:
    """After an error before the final dot, or a refusal of it: wait in the queue again.
    False if it was revoked meanwhile (then its send goes back and nothing is retried)."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=claim.delivery.pk)
        if delivery.state == State.SENDING and delivery.claimed_at == claim.claimed_at:
            delivery.state = State.QUEUED
            delivery.handed_over_at = None
            delivery.claim_expires_at = None
            delivery.save(update_fields=["state", "handed_over_at", "claim_expires_at"])
            return True
        if delivery.state == State.REVOKED and delivery.sent_at is None:
            delivery.handed_over_at = None
            delivery.save(update_fields=["handed_over_at"])
            release_reservation(delivery)
        return False


def gave_up(*, delivery_id: int, error: str) -> None:
    """The outbox stopped trying: fail and return the send, unless the email may have left."""
    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None or delivery.sent_at is not None:
        return
    if delivery.handed_over_at is not None:
        mark_sent(delivery_id=delivery_id, confirmed=False)
        return
    if delivery.state == State.REVOKED:
        return
    fail_delivery(
        delivery_id=delivery_id,
        reason=gettext_noop(
            "We could not deliver it to the recruiter's mail server; your send was returned to you."
        ),
    )
    logger.warning("packet %s failed for good: %s", delivery_id, error)
