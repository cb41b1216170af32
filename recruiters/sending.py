"""A seeker's sends: what they are about to share, their consent, and revoking.

:func:`plan_send` builds what the consent screen shows (the chosen recruiters,
the packet exactly as each will receive it, the consent words) and a digest of
all of it. :func:`confirm_send` rebuilds the plan under the seeker's row lock
and refuses if anything differs from what they saw; otherwise, in one
transaction: the consent record, the send with its snapshot, one delivery per
recruiter with its reserved send and its outbox entry. Nothing is shared, and
no send is used, without that consent.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from billing import ledger
from jobletters import outbox
from privacy import promises
from privacy.consent import record_consent
from privacy.models import Consent

from . import matching, packets
from .delivery import DELIVER_PACKET, _release
from .matching import Match, Targets
from .models import Delivery, Send


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


def plan_send(
    *,
    seeker: Any,
    recruiter_ids: list[int] | None = None,
    top: int | None = None,
    include_contact: bool = False,
    blind: bool = False,
) -> SendPlan:
    """The send the seeker is looking at: chosen recruiters (or the best ``top``)."""
    # The profile and its targets, read once for the matching and the packet.
    profile = packets.packet_profile(seeker)
    targets = matching.targets_of(seeker, profile=profile)
    snapshot = packets.build_snapshot(
        seeker=seeker, include_contact=include_contact, blind=blind, profile=profile
    )
    problems = _readiness_problems(targets, snapshot)
    limit = settings.RECRUITERS_MAX_PER_SEND
    left_out: list[str] = []
    matches: list[Match] = []
    if targets:
        if top is not None:
            page = matching.rank_matches(targets, seeker=seeker, limit=min(top, limit) * 3)
            matches = [m for m in page.matches if m.can_send][: min(top, limit)]
        elif recruiter_ids:
            if len(recruiter_ids) > limit:
                problems.append(
                    _("Choose at most %(max)d recruiters in one send.") % {"max": limit}
                )
            chosen = recruiter_ids[:limit]
            page = matching.rank_matches(
                targets, seeker=seeker, limit=len(chosen), recruiter_ids=chosen
            )
            found = {m.recruiter.pk for m in page.matches}
            for match in page.matches:
                if match.can_send:
                    matches.append(match)
                else:
                    left_out.append(_sent_recently(match))
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

    contact = snapshot["contact"] if include_contact else packets.contact_for_packet(seeker)
    if include_contact and contact is None:
        problems.append(_("You have no postal address or phone in your profile to include."))
    categories = packets.data_categories(snapshot)
    balance = ledger.balance(user=seeker)
    if matches and balance < len(matches):
        problems.append(
            ngettext(
                "This send needs %(count)d send; you have %(balance)d.",
                "This send needs %(count)d sends; you have %(balance)d.",
                len(matches),
            )
            % {"count": len(matches), "balance": balance}
        )
    try:
        ledger.check_may_spend(seeker)
    except ledger.SpendingRefused as refused:
        problems.append(str(refused))
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
    later = [c for c in packets.data_categories(snapshot, revealed=True) if c not in categories]
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


def words_and(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


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


# --- Following and revoking -----------------------------------------------------------------


def sends_of(user: Any) -> QuerySet[Send]:
    """A seeker's sends: the only way views reach them, so another's is a 404."""
    return Send.objects.filter(seeker=user)


def deliveries_of(user: Any) -> QuerySet[Delivery]:
    return Delivery.objects.filter(seeker=user)


@transaction.atomic
def revoke_delivery(*, seeker: Any, delivery_id: int) -> Delivery:
    """Withdraw one packet: not sent yet, it never leaves (the send comes back);
    already sent, its page and CV close at once."""
    delivery = deliveries_of(seeker).select_for_update().get(pk=delivery_id)
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
        _release(delivery)
    return delivery
