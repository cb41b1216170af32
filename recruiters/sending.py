"""A send, from the seeker's choice to the recruiter's answer: the one service that owns
its states.

1. *Plan* (:func:`plan_send`): what the consent screen shows (the chosen recruiters, the
   packet and the email exactly as each will receive them, the consent words) and a digest
   of all of it.
2. *Consent and charge* (:func:`confirm_send`): the plan rebuilt under the seeker's row lock,
   refused if anything differs from what they saw; otherwise, in one transaction, the consent
   record, the send with its snapshot, one delivery per recruiter with its reserved send and
   its outbox entry. Nothing is shared, and no send is used, without that consent.
3. *Deliveries*: the worker (``recruiters.delivery``, the exactly-once SMTP protocol) claims
   and sends each one and marks it here (:func:`mark_sent`, :func:`fail_delivery`); the
   seeker may revoke (:func:`revoke_delivery`); the packet page records views and downloads
   (:func:`record_view`, :func:`record_access`).
4. *Answers* (:func:`answer_packet`): the recruiter answers on the packet page (the page's
   token is the proof of who answers); each answer is a new row, the newest the current one,
   and the seeker is told by email. The message is plain text from someone we do not know,
   checked by the site's allow-list, never markup, always shown escaped.
5. *Introductions*: on a blind packet, "interested" asks to learn who the seeker is
   (:func:`request_introduction`); only the seeker's yes (:func:`decide_introduction`)
   releases the rest of the packet to that one recruiter: the words they agreed to go to the
   consent ledger, what was shared to the disclosure log. A declined or unanswered request
   shares nothing more.

``packets`` says what a packet shows, ``matching`` ranks, ``billing.ledger`` holds the sends.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Case, F, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from accounts.models import User
from billing import ledger
from jobletters import outbox
from jobletters.lib.emails import queue_email
from jobletters.lib.languages import language_of_words
from jobletters.lib.text import unreadable
from privacy import promises
from privacy.consent import record_consent, record_disclosure
from privacy.models import Consent, Disclosure
from privacy.rights.freeze import account_frozen

from . import matching, packets
from .matching import Match, Targets, words_and
from .models import ANSWER_MESSAGE_MAX, Answer, Delivery, Introduction, PacketAccess, Send

logger = logging.getLogger(__name__)

DELIVER_PACKET = "recruiters.deliver_packet"
State = Delivery.State


class SendRefused(Exception):
    """The send cannot be made; the message says why, in words the seeker can act on."""


class SendChanged(SendRefused):
    """What would be sent is no longer what the seeker saw: they must look again."""


# --- What the seeker sees before saying yes -------------------------------------------------


@dataclass
class SendPlan:
    matches: list[Match]
    snapshot: dict[str, Any]
    include_contact: bool
    blind: bool
    contact_available: bool
    consent_text: str
    data_categories: list[str]
    balance: int
    # Problems that stop the send, in words; the page shows them instead of the button.
    problems: list[str] = field(default_factory=list)
    # Chosen recruiters who cannot be sent to (recently sent, no longer available).
    left_out: list[str] = field(default_factory=list)

    @property
    def recipients(self) -> list[dict[str, Any]]:
        return [
            {"id": m.recruiter.pk, "name": m.recruiter.name, "agency": m.recruiter.agency}
            for m in self.matches
        ]

    @property
    def digest(self) -> str:
        """A fingerprint of everything the seeker is shown and agrees to."""
        seen = {
            "snapshot": self.snapshot,
            "recipients": [(m.recruiter.pk, m.summary) for m in self.matches],
            "text": self.consent_text,
        }
        return hashlib.sha256(json.dumps(seen, sort_keys=True, default=str).encode()).hexdigest()

    @property
    def can_send(self) -> bool:
        return bool(self.matches) and not self.problems

    @cached_property
    def packet(self) -> dict[str, Any]:
        """The packet page as every recipient will see it."""
        return packets.packet_context(self.snapshot)

    @cached_property
    def previews(self) -> list[dict[str, Any]]:
        """The email each recipient will get: every subject, and the first one's body (the
        others' differ only in the name it greets and the role and place of its subject)."""
        return [
            {"match": m, **packets.preview_email(snapshot=self.snapshot, match=m, body=n == 0)}
            for n, m in enumerate(self.matches)
        ]


def parse_ids(values: list[str]) -> list[int]:
    """Recruiter ids from a form or query string; junk is ignored, order kept."""
    ids: list[int] = []
    for value in values[: settings.RECRUITERS_MAX_PER_SEND * 4]:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if 0 < number < 2**63 and number not in ids:
            ids.append(number)
    return ids


def parse_top(value: str | None) -> int | None:
    """How many of the best matches to choose, from the query string (None: not asked)."""
    if value is None:
        return None
    try:
        return min(max(int(value), 1), settings.RECRUITERS_MAX_PER_SEND)
    except ValueError:
        return 1


def plan_send(
    *,
    seeker: Any,
    recruiter_ids: list[int] | None = None,
    top: int | None = None,
    include_contact: bool = False,
    blind: bool = False,
) -> SendPlan:
    """The send the seeker is looking at: chosen recruiters (or the best ``top``)."""
    # What the packet shows, whom it may go to, what the seeker may spend: each asked once.
    profile = packets.packet_profile(seeker)
    snapshot = packets.build_snapshot(
        seeker=seeker, include_contact=include_contact, blind=blind, profile=profile
    )
    contact = snapshot["contact"] if include_contact else packets.contact_for_packet(seeker)
    categories = packets.data_categories(snapshot)
    targets = matching.targets_of(seeker, profile=profile)
    limit = settings.RECRUITERS_MAX_PER_SEND
    chosen = recruiter_ids[:limit] if recruiter_ids else []
    ranked: list[Match] = []
    if targets and top is not None:
        ranked = matching.rank_matches(targets, seeker=seeker, limit=min(top, limit) * 3).matches
    elif targets and chosen:
        ranked = matching.rank_matches(
            targets, seeker=seeker, limit=len(chosen), recruiter_ids=chosen
        ).matches
    balance = ledger.balance(user=seeker)
    try:
        ledger.check_may_spend(seeker)
        refused = ""
    except ledger.SpendingRefused as refusal:
        refused = str(refusal)

    problems = _readiness_problems(targets, snapshot)
    left_out: list[str] = []
    matches: list[Match] = []
    if targets and top is not None:
        matches = [m for m in ranked if m.can_send][: min(top, limit)]
    elif targets and chosen:
        if recruiter_ids and len(recruiter_ids) > limit:
            problems.append(_("Choose at most %(max)d recruiters in one send.") % {"max": limit})
        for match in ranked:
            if match.can_send:
                matches.append(match)
            else:
                left_out.append(_sent_recently(match))
        found = {m.recruiter.pk for m in ranked}
        missing = len([pk for pk in chosen if pk not in found])
        if missing:
            left_out.append(
                _(
                    "%(count)d of the recruiters you chose no longer match your targets "
                    "or no longer receive packets."
                )
                % {"count": missing}
            )
    if not matches and not problems:
        problems.append(_("Choose at least one recruiter from your matches."))
    if include_contact and contact is None:
        problems.append(_("You have no postal address or phone in your profile to include."))
    if matches and balance < len(matches):
        problems.append(
            ngettext(
                "This send needs %(count)d send; you have %(balance)d.",
                "This send needs %(count)d sends; you have %(balance)d.",
                len(matches),
            )
            % {"count": len(matches), "balance": balance}
        )
    if refused:
        problems.append(refused)
    return SendPlan(
        matches=matches,
        snapshot=snapshot,
        include_contact=include_contact,
        blind=blind,
        contact_available=contact is not None,
        consent_text=consent_text(matches=matches, snapshot=snapshot, categories=categories),
        data_categories=categories,
        balance=balance,
        problems=problems,
        left_out=left_out,
    )


def _readiness_problems(targets: Targets, snapshot: dict[str, Any]) -> list[str]:
    problems = []
    if not targets:
        problems.append(
            _(
                "Choose what you are looking for and where in your profile, and turn on "
                "“open to recruiters”."
            )
        )
    if not snapshot["job_letter"]:
        problems.append(_("Write your job letter first: it is what recruiters read."))
    if not snapshot["cv"]:
        problems.append(_("Upload a CV first (it is sent once it has passed its check)."))
    return problems


def _sent_recently(match: Match) -> str:
    sent = match.last_sent_at
    assert sent is not None, "a match that cannot be sent to was sent to"
    again = sent + timedelta(days=promises.RESEND_AFTER_DAYS)
    return _(
        "%(recruiter)s already has your packet (sent %(sent)s); you can send to them "
        "again after %(again)s."
    ) % {
        "recruiter": match.recruiter.label,
        "sent": date_format(sent, "j F Y"),
        "again": date_format(again, "j F Y"),
    }


def consent_text(*, matches: list[Match], snapshot: dict[str, Any], categories: list[str]) -> str:
    """The consent, in plain words naming every recipient: stored exactly as shown."""
    if not matches:
        return ""
    what = category_words(categories, snapshot)
    names = "; ".join(
        _("%(recruiter)s (for %(target)s)") % {"recruiter": m.recruiter.label, "target": m.target}
        for m in matches
    )
    count = len(matches)
    agree = ngettext(
        "I agree that Job Letters sends my %(what)s to this recruiter: %(names)s.",
        "I agree that Job Letters sends my %(what)s to these %(count)d recruiters: %(names)s.",
        count,
    ) % {"what": words_and(what), "count": count, "names": names}
    terms = _(
        "Each receives one email and a private link to my packet, valid for %(days)d days. "
        "They may contact me about jobs; their use of my information is governed by their "
        "own terms and privacy policies. I can revoke a packet at any time, which closes "
        "its link."
    ) % {"days": promises.PACKET_VALID_DAYS}
    if not snapshot.get("blind"):
        return f"{agree} {terms}"
    later = introduction_categories(snapshot)
    blind = _(
        "Blind send: they see my job letter and a summary (what I am looking for, my "
        "experience, skills and languages), not who I am. Each may ask for an introduction; "
        "only if I accept it is my %(later)s shared with that recruiter alone, and a "
        "declined or unanswered request shares nothing more."
    ) % {"later": words_and(category_words(later, snapshot))}
    return f"{agree} {blind} {terms}"


def category_words(categories: list[str], snapshot: dict[str, Any]) -> list[str]:
    """In the words of the page the seeker reads (the stored categories stay in English)."""
    what = [str(packets.CATEGORY_WORDS.get(c, c)) for c in categories]
    if "CV" in categories and snapshot.get("cv"):
        what[categories.index("CV")] = _("CV (“%(name)s”)") % {"name": snapshot["cv"]["name"]}
    return what


# --- Saying yes -----------------------------------------------------------------------------


def confirm_send(
    *,
    seeker: Any,
    recruiter_ids: list[int],
    include_contact: bool,
    consent_given: bool,
    digest: str,
    blind: bool = False,
) -> Send:
    """Record the consent and queue one delivery per recruiter, or change nothing."""
    if not consent_given:
        raise SendRefused(_("Tick the box to agree before we send anything."))
    try:
        with transaction.atomic():
            # One send at a time per seeker: the recent-packet rule and the balance hold.
            User.objects.select_for_update().filter(pk=seeker.pk).first()
            plan = plan_send(
                seeker=seeker,
                recruiter_ids=recruiter_ids,
                include_contact=include_contact,
                blind=blind,
            )
            if plan.problems:
                raise SendRefused(" ".join(str(p) for p in plan.problems))
            if plan.left_out or plan.digest != digest:
                raise SendChanged(
                    _(
                        "Something changed since you looked (your profile, CV or these "
                        "recruiters). Please read it again before you agree."
                    )
                )
            return _record_send(seeker=seeker, plan=plan)
    except ledger.InsufficientSends as short:
        raise SendRefused(
            _("You do not have enough sends (%(short)s).") % {"short": short}
        ) from short
    except ledger.SpendingRefused as refused:
        raise SendRefused(str(refused)) from refused
    except IntegrityError as clash:
        # Two confirmations at once: the database lets one through.
        raise SendChanged(_("These packets are already on their way.")) from clash


def _record_send(*, seeker: Any, plan: SendPlan) -> Send:
    key = uuid.uuid4()
    consent = record_consent(
        person=seeker,
        purpose=Consent.Purpose.SHARE_WITH_RECRUITERS,
        granted=True,
        text=plan.consent_text,
        recipients=plan.recipients,
        data_categories=plan.data_categories,
        reference=f"send:{key}",
    )
    send = Send.objects.create(
        seeker=seeker,
        consent=consent,
        snapshot=plan.snapshot,
        include_contact=plan.include_contact,
        blind=plan.blind,
    )
    domain = urlsplit(settings.SITE_URL).hostname or "jobletters.example"
    for match in plan.matches:
        delivery = Delivery.objects.create(
            send=send,
            seeker=seeker,
            recruiter_id=match.recruiter.pk,
            consent=consent,
            recipient_name=match.recruiter.label[:410],
            reason=match.summary[:300],
            role=match.role[:200],
            place=match.place[:200],
            message_id=f"<packet.{uuid.uuid4().hex}@{domain}>",
        )
        reservation = ledger.reserve(user=seeker, sends=1, reference=f"delivery:{delivery.pk}")
        delivery.reservation_id = reservation.pk
        delivery.save(update_fields=["reservation_id"])
        outbox.defer(
            DELIVER_PACKET,
            {"delivery_id": delivery.pk},
            key=f"delivery:{delivery.pk}",
            person=seeker,
        )
    return send


# --- Deliveries -----------------------------------------------------------------------------


def sends_of(user: Any) -> QuerySet[Send]:
    """A seeker's sends: the only way views reach them, so another's is a 404."""
    return Send.objects.filter(seeker=user)


@transaction.atomic
def revoke_delivery(*, seeker: Any, delivery_id: int) -> Delivery:
    """Withdraw one packet: not sent yet, it never leaves (the send comes back);
    already sent, its page and CV close at once."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id, seeker=seeker)
    if not delivery.is_revocable:
        raise SendRefused(_("This packet was already revoked or never delivered."))
    was = delivery.state
    delivery.state = Delivery.State.REVOKED
    delivery.revoked_at = timezone.now()
    delivery.save(update_fields=["state", "revoked_at"])
    # Not yet handed to the mail server: it never will be, and the send comes back.
    if was in Delivery.WAITING or (
        was == Delivery.State.SENDING and delivery.handed_over_at is None
    ):
        release_reservation(delivery)
    return delivery


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
    release_reservation(delivery)
    return True


def release_reservation(delivery: Delivery) -> None:
    if not delivery.reservation_id:
        return
    try:
        ledger.release(reservation_id=delivery.reservation_id)
    except ledger.ReservationNotHeld:
        logger.error("packet %s: its send was already used", delivery.pk)


def fail_waiting_deliveries(*, reason: str, **whose: int) -> int:
    """Cancel the packets still waiting of one recruiter who can no longer receive them
    (``recruiter_id=``) or one seeker whose account is frozen (``seeker_id=``)."""
    waiting = Delivery.objects.filter(state__in=Delivery.WAITING, **whose)
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
    if frozen:
        fail_waiting_deliveries(
            seeker_id=user.pk,
            reason=gettext_noop(
                "Not sent: you asked us to delete your account; your send was returned."
            ),
        )


def _visit_key(token: str) -> str:
    return "packet-visit:" + packets.hash_token(token)


def record_view(*, delivery: Delivery, token: str) -> None:
    """One visit of the packet page, recorded for the seeker's report.

    Views of the same link within ``RECRUITERS_PACKET_VISIT_SECONDS`` are one visit:
    reloads, or a mail scanner's fetch followed by the recruiter's, count once. The
    first view always counts, so "opened" and its time are exact.
    """
    try:
        first = cache.add(_visit_key(token), 1, timeout=settings.RECRUITERS_PACKET_VISIT_SECONDS)
    except Exception:  # (the cache is down: count the view rather than miss it)
        first = True
    if first:
        record_access(delivery=delivery, kind=PacketAccess.Kind.VIEW)


@transaction.atomic
def record_access(*, delivery: Delivery, kind: str) -> None:
    """Record a view of the packet page or a CV download (the seeker sees it in their report)."""
    now = timezone.now()
    PacketAccess.objects.create(delivery=delivery, kind=kind, at=now)
    State = Delivery.State
    if kind == PacketAccess.Kind.VIEW:
        Delivery.objects.filter(pk=delivery.pk).update(
            view_count=F("view_count") + 1,
            opened_at=Coalesce("opened_at", Value(now)),
            state=Case(When(state=State.SENT, then=Value(State.OPENED)), default=F("state")),
        )
    else:
        Delivery.objects.filter(pk=delivery.pk).update(
            download_count=F("download_count") + 1,
            opened_at=Coalesce("opened_at", Value(now)),
            downloaded_at=Coalesce("downloaded_at", Value(now)),
            state=Case(
                When(state__in=[State.SENT, State.OPENED], then=Value(State.DOWNLOADED)),
                default=F("state"),
            ),
        )


# --- Answers --------------------------------------------------------------------------------

# Answers per packet link per hour: enough to change one's mind, not to flood the seeker.
ANSWER_RATE = "10/h"


_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?]|&#?\w+;")


class AnswerRefused(Exception):
    """The answer cannot be taken; the message says why, in words."""


def clean_message(text: str) -> str:
    """The message as it will be kept, or AnswerRefused saying what to change."""
    text = "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").split("\n"))
    text = text.strip()
    if len(text) > ANSWER_MESSAGE_MAX:
        raise AnswerRefused(
            _("Keep the message to %(max)d characters (it has %(count)d).")
            % {"max": ANSWER_MESSAGE_MAX, "count": len(text)}
        )
    # The allow-list every form of the site uses (jobletters.lib.text).
    if (char := unreadable(text, lines=True)) is not None:
        raise AnswerRefused(
            _(
                "The message contains a character that cannot be shown (U+%(code)04X). "
                "Write it as plain text."
            )
            % {"code": ord(char)}
        )
    if _MARKUP.search(text):
        raise AnswerRefused(
            _("Write the message as plain text: it cannot contain HTML tags or entities.")
        )
    return text


@transaction.atomic
def answer_packet(*, delivery_id: int, kind: str, message: str = "") -> Answer:
    """Record the recruiter's answer and tell the seeker; the same answer twice is one."""
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("seeker", "recruiter", "send")
        .filter(pk=delivery_id)
        .first()
    )
    # Only a packet that reached the recruiter and was not withdrawn.
    if delivery is None or delivery.state not in Delivery.DELIVERED or delivery.sent_at is None:
        raise AnswerRefused(_("This packet can no longer be answered."))
    if kind not in Answer.Kind.values:
        raise AnswerRefused(_("Choose one of the answers."))
    message = clean_message(message)
    current = current_answer(delivery)
    if current is not None and (current.kind, current.message) == (kind, message):
        return current
    answer = Answer.objects.create(delivery=delivery, kind=kind, message=message)
    if kind == Answer.Kind.INTERESTED:
        # On a blind packet, "contact me" can only be a request to learn who they are.
        request_introduction(delivery=delivery)
    _tell_seeker(delivery, answer)
    return answer


def current_answer(delivery: Delivery) -> Answer | None:
    return delivery.answers.order_by("-answered_at", "-pk").first()


def _tell_seeker(delivery: Delivery, answer: Answer) -> None:
    seeker = delivery.seeker
    report = settings.SITE_URL + reverse("recruiters:sends") + f"#packet-{delivery.pk}"
    recruiter = delivery.recruiter
    queue_email(
        template="recruiters/emails/answer",
        to=[seeker.email],
        person=seeker,
        context={
            "seeker": seeker,
            "delivery": delivery,
            "answer": answer,
            "kind": answer.kind,
            # "Contact me": the recruiter's address, which they asked the seeker to use.
            "recruiter_email": (
                recruiter.email
                if recruiter is not None
                and answer.kind == Answer.Kind.INTERESTED
                and not delivery.send.blind
                else ""
            ),
            "report_url": report,
            "blind": delivery.send.blind,
        },
        key=f"recruiter-answer:{answer.pk}",
    )


# --- Introductions --------------------------------------------------------------------------


class IntroductionRefused(Exception):
    """The decision cannot be taken; the message says why."""


def request_introduction(*, delivery: Delivery) -> Introduction | None:
    """The recruiter asked to learn who sent a blind packet (once per packet)."""
    if not delivery.send.blind:
        return None
    introduction, _created = Introduction.objects.get_or_create(delivery=delivery)
    return introduction


def introduction_categories(snapshot: dict[str, Any]) -> list[str]:
    """What accepting shares: everything the blind packet left out."""
    first = packets.data_categories(snapshot)
    return [c for c in packets.data_categories(snapshot, revealed=True) if c not in first]


def acceptance_text(*, delivery: Delivery) -> str:
    """The words the seeker agrees to by accepting (shown on the button's page)."""
    snapshot = delivery.send.snapshot
    what = words_and(category_words(introduction_categories(snapshot), snapshot))
    return _(
        "I accept the request of %(recruiter)s for an introduction: Job Letters shares my "
        "%(what)s with them, and with no other recruiter."
    ) % {"recruiter": delivery.recipient_name, "what": what}


@transaction.atomic
def decide_introduction(*, seeker: Any, delivery_id: int, decision: str) -> Introduction:
    """``"accept"`` (release the full packet to that recruiter alone) or ``"decline"``
    (nothing more).

    Another seeker's packet, or a packet without a request: Introduction.DoesNotExist."""
    introduction = (
        Introduction.objects.select_for_update(of=("self",))
        .select_related("delivery__send", "delivery__recruiter", "delivery__link")
        .get(delivery_id=delivery_id, delivery__seeker=seeker)
    )
    if decision not in ("accept", "decline"):
        raise IntroductionRefused(_("Choose to accept or to decline the request."))
    if introduction.decision != Introduction.Decision.PENDING:
        raise IntroductionRefused(_("You already answered this request."))
    delivery = introduction.delivery
    link = getattr(delivery, "link", None)
    recruiter = delivery.recruiter
    if (
        delivery.state not in Delivery.DELIVERED
        or link is None
        or link.expires_at <= timezone.now()
        or recruiter is None
        or not recruiter.is_reachable
    ):
        raise IntroductionRefused(
            _("This packet is closed, so nothing more can be shared with this recruiter.")
        )
    now = timezone.now()
    introduction.decided_at = now
    if decision == "decline":
        introduction.decision = Introduction.Decision.DECLINED
        introduction.save(update_fields=["decision", "decided_at"])
        return introduction
    snapshot = delivery.send.snapshot
    categories = introduction_categories(snapshot)
    reference = f"introduction:{delivery.pk}"
    introduction.consent = record_consent(
        person=seeker,
        purpose=Consent.Purpose.SHARE_WITH_RECRUITERS,
        granted=True,
        text=acceptance_text(delivery=delivery),
        recipients=[{"id": recruiter.pk, "name": recruiter.name, "agency": recruiter.agency}],
        data_categories=categories,
        reference=reference,
    )
    introduction.disclosure = record_disclosure(
        person=seeker,
        recipient_kind=Disclosure.RecipientKind.RECRUITER,
        recipient_name=delivery.recipient_name,
        recipient_reference=f"recruiter:{recruiter.pk}",
        data_categories=categories,
        basis=Disclosure.Basis.CONSENT,
        consent=introduction.consent,
        reference=reference,
    )
    introduction.decision = Introduction.Decision.ACCEPTED
    introduction.save(update_fields=["decision", "decided_at", "consent", "disclosure"])
    queue_email(
        template="recruiters/emails/introduction",
        to=[recruiter.email],
        context={
            "recruiter": recruiter,
            "delivery": delivery,
            "name": snapshot.get("name", ""),
            "email": snapshot.get("email", ""),
        },
        reply_to=[snapshot["email"]] if snapshot.get("email") else None,
        key=reference,
        language=language_of_words(recruiter.languages),
    )
    return introduction
