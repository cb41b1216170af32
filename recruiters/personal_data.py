"""Registry entries for recruiters (policy §3.1): the directory, and what seekers send.

Recruiters are people without an account: their rows are found by email (staff
export or erase one recruiter from the admin, ``recruiters.directory``), never
through a seeker. A seeker's sends, deliveries and their packet activity are
about the seeker, exported with their data and erased with their account; the
packet link survives without its delivery so the recruiter is told the packet is
gone.
A recruiter's answers to a packet are about that packet: the seeker reads them
in their report and export, and erasing either person removes the messages.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.models import Consent
from privacy.registry.declarations import Basis, Erasure, declare, exempt
from privacy.registry.retention import Retention

from .models import (
    Answer,
    Coverage,
    Delivery,
    Introduction,
    Keyword,
    MarketFigures,
    PacketAccess,
    PacketLink,
    Recruiter,
    Send,
    Suppression,
)

# Days a recruiter who opted out stays in the directory (their address then lives on
# only as a hash, so they are never contacted again).
OPTED_OUT_KEPT_DAYS = 90

_CHOSEN = (_("The recruiters you chose, each only their own packet"),)

declare(
    Recruiter,
    section="3.1",
    category=_("Recruiters in our directory"),
    purpose=_(
        "To offer job seekers the recruiters who place people in the roles and places "
        "they want, and to send a recruiter the packets seekers choose to send them."
    ),
    legal_basis=Basis.LEGITIMATE_INTERESTS,
    fields=(
        "name",
        "agency",
        "email",
        "website",
        "occupations",
        "places",
        "seniority_levels",
        "languages",
        "keywords",
        "active",
        "opted_out_at",
        "frozen_at",
        "suspended_at",
        "daily_cap",
        "packets_received",
        "packets_opened",
        "packets_answered",
        "answer_days",
        "created_at",
        "updated_at",
    ),
    # No account: staff find them by email for their access and erasure requests.
    about=None,
    erasure=Erasure.DELETE,
    retention=Retention.after_event(
        days=OPTED_OUT_KEPT_DAYS,
        field="opted_out_at",
        event=_("they opted out"),
        where=Q(opted_out_at__isnull=False),
        note=_(
            "Otherwise kept while they are in our directory; staff export or erase a "
            "recruiter's details on request, found by their email address."
        ),
    ),
)

declare(
    Suppression,
    section="3.1",
    category=_("Recruiters who opted out"),
    purpose=_(
        "So that an address that asked for no more packets never receives one again, "
        "even after its details are erased or imported again."
    ),
    legal_basis=Basis.LEGAL_OBLIGATION,
    fields=("opted_out_at",),
    held={"email_hash": _("A one-way hash of the address, only compared with new entries.")},
    about=None,
    erasure=Erasure.DELETE,
    retention=Retention.account(
        _("Kept while Job Letters sends packets, as the recruiter's lasting wish.")
    ),
)

exempt(
    Coverage,
    reason="A search index rebuilt from each recruiter's listed occupations and places "
    "(vocabulary ids, places and their countries); deleted with the recruiter.",
    reviewed=("country",),
)
exempt(Keyword, reason="Specialisms recruiters list (e.g. “M&A”): words, not about anyone.")
exempt(
    MarketFigures,
    reason="Counts and shares per occupation and place, each only where at least 10 people "
    "stand behind it (written from aggregates.release, §3.3): about no one.",
)


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def _export_sends(user: Any) -> Iterator[dict[str, Any]]:
    for send in Send.objects.filter(seeker=user).select_related("consent").order_by("created_at"):
        yield {
            "created_at": _when(send.created_at),
            "consent": send.consent.text,
            "postal_address_and_phone_included": send.include_contact,
            "blind": send.blind,
            "what_was_shared": send.snapshot,
        }


declare(
    Send,
    section="3.1",
    category=_("Your sends to recruiters"),
    purpose=_(
        "What you agreed to share with the recruiters you chose, exactly as you saw it, "
        "so that they receive that and nothing else."
    ),
    legal_basis=Basis.CONSENT,
    recipients=_CHOSEN,
    fields=("created_at", "consent", "include_contact", "blind", "snapshot"),
    exported_as={
        "include_contact": "postal_address_and_phone_included",
        "snapshot": "what_was_shared",
    },
    about="seeker",
    erasure=Erasure.DELETE,
    retention=Retention.account(),
    exporter=_export_sends,
)


def _export_deliveries(user: Any) -> Iterator[dict[str, Any]]:
    rows = Delivery.objects.filter(seeker=user).order_by("created_at", "pk")
    states = dict(Delivery.State.choices)
    # A send's consent and time are the same for each of its deliveries: read once each.
    sends = dict(Send.objects.filter(seeker=user).values_list("pk", "created_at"))
    consents = dict(
        Consent.objects.filter(pk__in=rows.values("consent_id")).values_list("pk", "text")
    )
    for d in rows.iterator(chunk_size=2000):
        yield {
            "send_created_at": _when(sends.get(d.send_id)) if d.send_id else None,
            "consent": consents.get(d.consent_id, ""),
            "disclosed": d.disclosure_id is not None,
            "recruiter": d.recipient_name,
            "why_them": d.reason,
            "role": d.role,
            "place": d.place,
            "status": states.get(d.state, d.state),
            "queued_at": _when(d.created_at),
            "waiting_until": _when(d.deferred_until),
            "sent_at": _when(d.sent_at),
            "sent_unconfirmed": d.sent_unconfirmed,
            "opened_at": _when(d.opened_at),
            "cv_downloaded_at": _when(d.downloaded_at),
            "views": d.view_count,
            "downloads": d.download_count,
            "failed_at": _when(d.failed_at),
            "failure": d.failure,
            "revoked_at": _when(d.revoked_at),
        }


declare(
    Delivery,
    section="3.1",
    category=_("Packets sent to recruiters"),
    purpose=_(
        "To send each packet once, and to show you what happened to it: sent or sent "
        "(unconfirmed), opened, CV link opened, failed or revoked."
    ),
    legal_basis=Basis.CONSENT,
    recipients=_CHOSEN,
    fields=(
        "send",
        "recruiter",
        "recipient_name",
        "consent",
        "disclosure",
        "reason",
        "role",
        "place",
        "state",
        "created_at",
        "deferred_until",
        "sent_at",
        "sent_unconfirmed",
        "opened_at",
        "downloaded_at",
        "view_count",
        "download_count",
        "failed_at",
        "failure",
        "revoked_at",
    ),
    exported_as={
        "send": "send_created_at",
        "recipient_name": "recruiter",
        "recruiter": "recruiter",
        "consent": "consent",
        "disclosure": "disclosed",
        "reason": "why_them",
        "state": "status",
        "created_at": "queued_at",
        "deferred_until": "waiting_until",
        "downloaded_at": "cv_downloaded_at",
        "view_count": "views",
        "download_count": "downloads",
    },
    held={
        "message_id": _("The email's technical identifier, for our mail logs only."),
        "reservation_id": _("The send it used, which your billing records show."),
        "claimed_at": _("When our worker started sending it (internal timing)."),
        "claim_expires_at": _("How long our worker may take to send it (internal timing)."),
        "handed_over_at": _("When the mail server was handed all of it (internal timing)."),
    },
    about="seeker",
    erasure=Erasure.DELETE,
    retention=Retention.account(),
    exporter=_export_deliveries,
)

declare(
    PacketLink,
    section="3.1",
    category=_("Links to your packets"),
    purpose=_("The private link each recruiter gets to your packet page, and when it expires."),
    legal_basis=Basis.CONSENT,
    fields=("created_at", "expires_at"),
    held={"token_hash": _("A one-way hash that only checks the recruiter's link.")},
    about="delivery__seeker",
    # Unlinked, not deleted: the recruiter's link then says the packet is gone.
    erasure=Erasure.ANONYMISE,
    retention=Retention.account(
        _("Once your account is deleted only the hash and dates stay, without you.")
    ),
)

declare(
    PacketAccess,
    section="3.1",
    category=_("When recruiters opened your packets"),
    purpose=_("To show you when each recruiter opened your packet page or downloaded your CV."),
    legal_basis=Basis.CONSENT,
    fields=("kind", "at"),
    about="delivery__seeker",
    erasure=Erasure.DELETE,
    retention=Retention.account(),
)

# Days a recruiter's answer is kept (the seeker's report, and answer rates in matching).
ANSWER_KEPT_DAYS = 365

declare(
    Answer,
    section="3.1",
    category=_("Recruiters' answers to your packets"),
    purpose=_(
        "To tell you what each recruiter answered (interested, not now, not a fit) with "
        "their message, and when; each change of answer is kept with its time."
    ),
    legal_basis=Basis.CONSENT,
    recipients=(_("Nobody outside Job Letters"),),
    fields=("delivery", "kind", "message", "answered_at"),
    about="delivery__seeker",
    erasure=Erasure.DELETE,
    retention=Retention.after_event(
        days=ANSWER_KEPT_DAYS,
        field="answered_at",
        event=_("the recruiter answered"),
        note=_(
            "Deleted with your account before then. When a recruiter asks us to erase "
            "their details, their messages are removed and only the answer stays."
        ),
    ),
)

declare(
    Introduction,
    section="3.1",
    category=_("Introductions you accepted or declined"),
    purpose=_(
        "On a blind send, to record which recruiter asked to learn who you are, what you "
        "decided and when, and what was then shared with them."
    ),
    legal_basis=Basis.CONSENT,
    recipients=(_("Only the recruiter whose request you accepted"),),
    fields=("delivery", "requested_at", "decision", "decided_at", "consent", "disclosure"),
    about="delivery__seeker",
    erasure=Erasure.DELETE,
    retention=Retention.account(),
)
