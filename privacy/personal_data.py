"""Registry entries for privacy's own records: consents, disclosures, requests, holds."""

from __future__ import annotations

from django.db.models import Q

from .models import (
    Consent,
    DeletionRequest,
    Disclosure,
    ExportRequest,
    LegalHold,
    PolicyVersion,
    Tombstone,
)
from .registry import Actor, Basis, Erasure, Retention, declare, exempt
from .retention import expire_exports

declare(
    Consent,
    section="3.1",
    category="Consents you gave or withdrew",
    purpose="To prove that we only share or use your information the way you allowed, and "
    "to respect your choices.",
    legal_basis=Basis.LEGAL_OBLIGATION,
    fields=(
        "purpose",
        "granted",
        "policy_version",
        "text",
        "recipients",
        "data_categories",
        "reference",
        "created_at",
    ),
    about="person",
    erasure=Erasure.DELETE,
    retention=Retention.account(),
)
declare(
    Disclosure,
    section="3.1",
    category="Who received your information",
    purpose="A record of every time your information left Job Letters: to which recruiter "
    "or authority, what, when, and on what basis.",
    legal_basis=Basis.LEGAL_OBLIGATION,
    recipients=("The recruiters you chose", "Public authorities, when the law requires it"),
    fields=(
        "recipient_kind",
        "recipient_name",
        "recipient_reference",
        "data_categories",
        "basis",
        "consent",
        "legal_reference",
        "reference",
        "disclosed_at",
    ),
    about="person",
    erasure=Erasure.DELETE,
    retention=Retention.account(),
)
declare(
    ExportRequest,
    section="7",
    category="Copies of your data you asked for",
    purpose="To prepare the copy of your data you asked for and let you download it.",
    fields=(
        "state",
        "progress",
        "step",
        "size",
        "error",
        "requested_at",
        "started_at",
        "finished_at",
        "expires_at",
        "downloaded_at",
    ),
    held={"file": "The earlier copy of your data itself (you downloaded it, or it expired)."},
    about="person",
    erasure=Erasure.DELETE,
    retention=Retention.after_event(
        days=7,
        event="the copy is ready",
        enforce=expire_exports,
        note="The file is deleted then; the request stays in your history.",
    ),
)
declare(
    DeletionRequest,
    section="5",
    category="Requests to delete your account",
    purpose="To honour your request to delete your account, on time, and to show that we did.",
    legal_basis=Basis.LEGAL_OBLIGATION,
    fields=(
        "state",
        "requested_at",
        "grace_ends_at",
        "due_at",
        "cancelled_at",
        "erased_at",
    ),
    held={"last_error": "Technical errors for our staff."},
    about="person",
    erasure=Erasure.ANONYMISE,
    anonymise_to={"last_error": ""},
    retention=Retention.after_event(
        days=3 * 365,
        field="requested_at",
        event="the request",
        where=Q(person__isnull=True),
        note="Once your account is erased the request is kept without you, as proof it was "
        "honoured.",
    ),
)
declare(
    LegalHold,
    section="5",
    category="Legal holds",
    purpose="Records we must keep past a deletion request to comply with the law, protect "
    "our rights or resolve a dispute.",
    legal_basis=Basis.LEGAL_OBLIGATION,
    fields=("sections", "reference", "placed_at", "released_at"),
    held={
        "reason": "Our staff's notes on a legal matter; ask us and we answer as the law allows.",
        "release_reason": "Our staff's notes on a legal matter.",
    },
    about="person",
    acted=(
        Actor("placed_by", fields=("placed_at",), description="Holds you placed as staff."),
        Actor("released_by", fields=("released_at",), description="Holds you released."),
    ),
    erasure=Erasure.RETAIN,
    retention=Retention.after_event(
        days=3 * 365,
        field="released_at",
        event="the hold is released",
        legal=True,
    ),
)
exempt(PolicyVersion, reason="Published versions of the privacy policy: text for everyone.")
exempt(
    Tombstone,
    reason="That an erasure happened and when, keyed by a one-way hash: nothing about who.",
)
