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
3. on the server's "250", *mark it sent* in one transaction: the disclosure
   record, the consumed send, ``sent_at``.

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
import re
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_noop

from billing import ledger
from jobletters import outbox
from jobletters.lib.emails import deliver, render_email
from jobletters.lib.languages import language_of_words
from privacy import promises
from privacy.consent import record_disclosure
from privacy.models import Disclosure
from privacy.rights.freeze import account_frozen

from . import own_data, packets
from .mail import packet_connection
from .models import Delivery, Recruiter

logger = logging.getLogger(__name__)

DELIVER_PACKET = "recruiters.deliver_packet"
EMAIL_TEMPLATE = "recruiters/emails/packet"
OPT_OUT_SALT = "recruiters.opt-out"

State = Delivery.State


# --- Links in the email --------------------------------------------------------------------


def opt_out_token(recruiter_id: int) -> str:
    """A signed, non-expiring token: opting out must work from any old email."""
    return signing.dumps(recruiter_id, salt=OPT_OUT_SALT)


def recruiter_for_opt_out(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def opt_out_url(recruiter_id: int) -> str:
    return settings.SITE_URL + reverse("recruiters:opt_out", args=[opt_out_token(recruiter_id)])


def packet_url(token: str) -> str:
    return settings.SITE_URL + reverse("packets:page", args=[token])


# --- The worker's steps ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    delivery_id: int
    claimed_at: datetime
    token: str


def deliver_packet(*, delivery_id: int) -> str:
    """Send one packet if it is still to be sent; returns what happened."""
    claim = _claim(delivery_id)
    if isinstance(claim, str):
        return claim
    message = _render(claim)
    if message is None:
        fail_delivery(delivery_id=delivery_id, reason=_LEFT_DIRECTORY)
        return "failed"
    handover = _Handover(claim)
    try:
        deliver(
            message,
            kind="recruiters.packet",
            connection=packet_connection(before_final_dot=handover),
        )
    except _Superseded:
        return "revoked"  # revoked (or claimed again) before the final dot: nothing left
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
    """The delivery was revoked or claimed by another run before its final dot."""


class _Handover:
    """Called just before the final dot: records that the packet may leave from now on."""

    def __init__(self, claim: _Claim) -> None:
        self.claim = claim
        self.done = False

    def __call__(self) -> None:
        # One UPDATE, committed on its own (workers run in autocommit) before the dot.
        marked = Delivery.objects.filter(
            pk=self.claim.delivery_id, state=State.SENDING, claimed_at=self.claim.claimed_at
        ).update(handed_over_at=timezone.now())
        if not marked:
            raise _Superseded
        self.done = True


def _lease() -> timedelta:
    spec = outbox.handler_for(DELIVER_PACKET)
    if spec is not None:
        return spec.lease
    return timedelta(seconds=settings.RECRUITERS_PACKET_TIME_LIMIT)


def _claim(delivery_id: int) -> _Claim | str:
    now = timezone.now()
    delivery = Delivery.objects.select_related("seeker", "send").filter(pk=delivery_id).first()
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
    return _Claim(delivery_id=delivery_id, claimed_at=now, token=token)


def _seconds(delivery: Delivery, now: datetime) -> float:
    expires = delivery.claim_expires_at or now
    return max((expires - now).total_seconds(), 0) + 1


# Reasons are stored in English (marked for the catalogue) and shown in the reader's
# language by recruiters.report.
_LEFT_DIRECTORY = gettext_noop("The recruiter left our directory; your send was returned to you.")
_NOT_REACHABLE = gettext_noop(
    "The recruiter no longer receives packets; your send was returned to you."
)


def _refusal(delivery: Delivery) -> str:
    """Why this packet must not leave now ("" if it may)."""
    try:
        ledger.check_may_spend(delivery.seeker)
    except ledger.SpendingRefused as refused:
        return f"Not sent: {refused}"
    if delivery.reservation_id and not ledger.is_held(reservation_id=delivery.reservation_id):
        return gettext_noop(
            "Not sent: the send for it was taken back (after a refund or a payment dispute)."
        )
    if not packets.cv_is_sendable(snapshot=delivery.send.snapshot, seeker_id=delivery.seeker_id):
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


def _render(claim: _Claim) -> Any | None:
    """The packet's email; None when the recruiter left the directory since the claim."""
    delivery = Delivery.objects.select_related("send", "recruiter").get(pk=claim.delivery_id)
    recruiter = delivery.recruiter
    if recruiter is None:
        return None
    opt_out = opt_out_url(recruiter.pk)
    snapshot = delivery.send.snapshot
    context = email_context(
        snapshot=snapshot,
        reason=delivery.reason,
        role=delivery.role,
        place=delivery.place,
        recruiter=recruiter,
        packet_link=packet_url(claim.token),
        opt_out_link=opt_out,
    )
    context["own_page_link"] = own_data.own_page_url(delivery.recruiter)
    return render_email(
        template=EMAIL_TEMPLATE,
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


def email_context(
    *,
    snapshot: dict[str, Any],
    reason: str,
    role: str,
    place: str,
    recruiter: Any,
    packet_link: str,
    opt_out_link: str,
) -> dict[str, Any]:
    """What the packet email is rendered with (and the consent screen's preview of it)."""
    return {
        **packets.packet_context(snapshot),
        "reason": reason,
        # For the recruiter: "… lists you as a recruiter who places Lawyers in London".
        "why": reason[:1].lower() + reason[1:],
        "letter_text": packets.letter_as_text(snapshot.get("job_letter", "")),
        "role": role,
        "place": place,
        "recruiter": recruiter,
        "packet_link": packet_link,
        "opt_out_link": opt_out_link,
        "valid_days": promises.PACKET_VALID_DAYS,
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
    }


def preview_email(*, snapshot: dict[str, Any], match: Any) -> dict[str, Any]:
    """The email one recruiter would get, for the consent screen: its subject and body,
    from the templates the email uses (links left inert: they exist only once sent)."""
    context = email_context(
        snapshot=snapshot,
        reason=match.summary,
        role=match.role,
        place=match.place,
        recruiter=match.recruiter,
        packet_link="#packet-preview",
        opt_out_link="#packet-preview",
    )
    subject = " ".join(render_to_string(f"{EMAIL_TEMPLATE}_subject.txt", context).split())
    body = render_to_string("recruiters/emails/_packet_body.html", context)
    # Mail clients need inline styles; the site's CSP allows none (its stylesheet has
    # the same looks under the classes the template also carries). The template is
    # autoescaped; removing style attributes keeps it safe.
    return {"subject": subject, "body": mark_safe(_INLINE_STYLE.sub("", body))}  # noqa: S308  # nosec B308 B703


_INLINE_STYLE = re.compile(r' style="[^"]*"')


def _back_to_queue(claim: _Claim) -> bool:
    """After an error before the final dot, or a refusal of it: wait in the queue again.
    False if it was revoked meanwhile (then its send goes back and nothing is retried)."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=claim.delivery_id)
        if delivery.state == State.SENDING and delivery.claimed_at == claim.claimed_at:
            delivery.state = State.QUEUED
            delivery.handed_over_at = None
            delivery.claim_expires_at = None
            delivery.save(update_fields=["state", "handed_over_at", "claim_expires_at"])
            return True
        if delivery.state == State.REVOKED and delivery.sent_at is None:
            delivery.handed_over_at = None
            delivery.save(update_fields=["handed_over_at"])
            _release(delivery)
        return False


@transaction.atomic
def mark_sent(*, delivery_id: int, confirmed: bool = True) -> Delivery:
    """The email left (``confirmed``: the server said so; otherwise it may have):
    disclosure record, the send consumed, sent. Idempotent."""
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("seeker", "consent")
        .get(pk=delivery_id)
    )
    if delivery.sent_at is not None:
        return delivery
    now = timezone.now()
    disclosure = record_disclosure(
        person=delivery.seeker,
        recipient_kind=Disclosure.RecipientKind.RECRUITER,
        recipient_name=delivery.recipient_name,
        recipient_reference=f"recruiter:{delivery.recruiter_id}" if delivery.recruiter_id else "",
        data_categories=delivery.consent.data_categories,
        basis=Disclosure.Basis.CONSENT,
        consent=delivery.consent,
        reference=f"delivery:{delivery.pk}",
    )
    delivery.sent_at = now
    delivery.sent_unconfirmed = not confirmed
    delivery.disclosure = disclosure
    delivery.claim_expires_at = None
    if delivery.state == State.SENDING:
        delivery.state = State.SENT
    delivery.save(
        update_fields=["sent_at", "sent_unconfirmed", "disclosure", "claim_expires_at", "state"]
    )
    if delivery.reservation_id:
        try:
            ledger.consume(reservation_id=delivery.reservation_id)
        except ledger.ReservationNotHeld:
            # Released earlier (never expected once the final dot was written).
            logger.error("packet %s left with its send already released", delivery.pk)
    return delivery


@transaction.atomic
def fail_delivery(*, delivery_id: int, reason: str) -> bool:
    """The packet will not be sent: failed, with the reason, and its send returned."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    if delivery.state not in Delivery.IN_FLIGHT or delivery.handed_over_at is not None:
        return False
    delivery.state = State.FAILED
    delivery.failed_at = timezone.now()
    delivery.failure = reason[:300]
    delivery.claim_expires_at = None
    delivery.save(update_fields=["state", "failed_at", "failure", "claim_expires_at"])
    _release(delivery)
    return True


def _release(delivery: Delivery) -> None:
    if not delivery.reservation_id:
        return
    try:
        ledger.release(reservation_id=delivery.reservation_id)
    except ledger.ReservationNotHeld:
        logger.error("packet %s: its send was already used", delivery.pk)


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


def fail_waiting_deliveries(*, recruiter_id: int, reason: str) -> int:
    """Cancel packets still waiting for a recruiter who can no longer receive them."""
    waiting = Delivery.objects.filter(recruiter_id=recruiter_id, state__in=Delivery.WAITING)
    return sum(
        fail_delivery(delivery_id=pk, reason=reason) for pk in waiting.values_list("pk", flat=True)
    )


@receiver(account_frozen)
def on_account_frozen(sender: Any, *, user: Any, frozen: bool, **kwargs: Any) -> None:
    """A seeker asked to delete their account (``privacy.rights.freeze.account_frozen``).

    Their packets still waiting never leave (their sends come back); their packet
    pages answer "gone" while the account is frozen (``packets.open_link`` asks) and
    come back if they cancel the deletion.
    """
    if not frozen:
        return
    waiting = Delivery.objects.filter(seeker_id=user.pk, state__in=Delivery.WAITING)
    for pk in waiting.values_list("pk", flat=True):
        fail_delivery(
            delivery_id=pk,
            reason=gettext_noop(
                "Not sent: you asked us to delete your account; your send was returned."
            ),
        )
