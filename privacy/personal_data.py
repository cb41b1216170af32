"""Registry entries for privacy's own records (consents, disclosures, requests) and the outbox."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobletters import outbox
from jobletters.models import OutboxEntry
from privacy import promises
from privacy.accountability.legal import detach_subjects, export_subjects
from privacy.documents.processors import subscriptions_about
from privacy.registry.declarations import Actor, Basis, Erasure, declare, exempt
from privacy.registry.retention import Retention
from privacy.rights.export import expire_exports

from .models import (
    ChangeNotice,
    Consent,
    DeletionRequest,
    Disclosure,
    ExportRequest,
    LegalHold,
    LegalRequest,
    LegalRequestSubject,
    PolicyVersion,
    ProcessorChange,
    ProcessorSubscription,
    Subprocessor,
    Tombstone,
)

declare(
    Consent,
    section="3.1",
    category=_("Consents you gave or withdrew"),
    purpose=_(
        "To prove that we only share or use your information the way you allowed, and "
        "to respect your choices."
    ),
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
    category=_("Who received your information"),
    purpose=_(
        "A record of every time your information left Job Letters: to which recruiter "
        "or authority, what, when, and on what basis."
    ),
    legal_basis=Basis.LEGAL_OBLIGATION,
    recipients=(_("The recruiters you chose"), _("Public authorities, when the law requires it")),
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
    category=_("Copies of your data you asked for"),
    purpose=_("To prepare the copy of your data you asked for and let you download it."),
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
    held={"file": _("The earlier copy of your data itself (you downloaded it, or it expired).")},
    about="person",
    erasure=Erasure.DELETE,
    retention=Retention.after_event(
        days=promises.EXPORT_EXPIRY_DAYS,
        event=_("the copy is ready"),
        enforce=expire_exports,
        note=_("The file is deleted then; the request stays in your history."),
    ),
)
declare(
    DeletionRequest,
    section="5",
    category=_("Requests to delete your account"),
    purpose=_("To honour your request to delete your account, on time, and to show that we did."),
    legal_basis=Basis.LEGAL_OBLIGATION,
    fields=("state", "requested_at", "grace_ends_at", "due_at", "cancelled_at", "erased_at"),
    held={"last_error": _("Technical errors for our staff.")},
    about="person",
    erasure=Erasure.ANONYMISE,
    anonymise_to={"last_error": ""},
    retention=Retention.after_event(
        days=3 * 365,
        field="requested_at",
        event=_("the request"),
        where=Q(person__isnull=True),
        note=_(
            "Once your account is erased the request is kept without you, as proof it was honoured."
        ),
    ),
)
declare(
    LegalHold,
    section="5",
    category=_("Legal holds"),
    purpose=_(
        "Records we must keep past a deletion request to comply with the law, protect "
        "our rights or resolve a dispute."
    ),
    legal_basis=Basis.LEGAL_OBLIGATION,
    fields=("sections", "reference", "placed_at", "released_at"),
    held={
        "reason": _("Our staff's notes on a legal matter; ask us and we answer as the law allows."),
        "release_reason": _("Our staff's notes on a legal matter."),
    },
    about="person",
    acted=(
        Actor("placed_by", fields=("placed_at",), description="Holds you placed as staff."),
        Actor("released_by", fields=("released_at",), description="Holds you released."),
    ),
    erasure=Erasure.RETAIN,
    retention=Retention.after_event(
        days=3 * 365, field="released_at", event=_("the hold is released"), legal=True
    ),
)
exempt(
    PolicyVersion,
    reason="Versions of the privacy policy and the terms of service: text for everyone "
    "(who published one is in the admin log).",
)
exempt(
    Tombstone,
    reason="That an erasure happened and when, keyed by a one-way hash: nothing about who.",
)

# --- Legal requests (§3.2) -------------------------------------------------------------------

# Six years after a request arrived: the limitation period for claims about how we
# answered it.
LEGAL_REQUEST_DAYS = 6 * 365

declare(
    LegalRequestSubject,
    section="3.2",
    category=_("Legal requests about you"),
    purpose=_(
        "Requests from authorities for information about you, what we did with them, and "
        "when we told you. You see a request once the law allows us to tell you."
    ),
    legal_basis=Basis.LEGAL_OBLIGATION,
    recipients=(_("The authority that made the request"),),
    fields=("request", "added_at", "notified_at", "disclosed_at"),
    held={
        "person": _("The account the request is about: yours."),
        "package": _(
            "The copy of your data we handed over, for our staff; everything in it is "
            "in the rest of your copy."
        ),
        "package_ready_at": _("When that copy was made (for our staff)."),
        "disclosure_logged_at": _("Internal: when the disclosure was added to your log."),
    },
    # Only requests the person has been told about (a prohibition on notice stands until then).
    about=LegalRequestSubject.objects.visible_to,
    exporter=export_subjects,
    eraser=detach_subjects,
    erasure=Erasure.RETAIN,
    retention=Retention.after_event(
        days=LEGAL_REQUEST_DAYS,
        field="request__received_on",
        event=_("the request arrived"),
        legal=True,
    ),
)
declare(
    LegalRequest,
    section="3.2",
    category=_("Legal requests (staff records)"),
    purpose=_(
        "Our record of each request from an authority and how we answered it. About the "
        "people in it, see “Legal requests about you”."
    ),
    legal_basis=Basis.LEGAL_OBLIGATION,
    fields=(
        "agency",
        "reference",
        "legal_basis",
        "received_on",
        "data_categories",
        "status",
        "notice_prohibited_until",
        "created_at",
        "status_changed_at",
        "disclosed_at",
    ),
    held={"notes": _("Our staff's notes on a legal matter.")},
    about=None,
    acted=(
        Actor(
            "created_by",
            fields=("received_on", "created_at"),
            description="Legal requests you recorded as a member of staff.",
        ),
        Actor(
            "disclosed_by",
            fields=("received_on", "disclosed_at"),
            description="Legal requests you disclosed data for as a member of staff.",
        ),
    ),
    erasure=Erasure.RETAIN,
    retention=Retention.after_event(
        days=LEGAL_REQUEST_DAYS, field="received_on", event=_("the request arrived"), legal=True
    ),
)

# --- Processors (§3.3, §6) and notices of change (§9) ------------------------------------------

declare(
    ProcessorSubscription,
    section="3.3",
    category=_("Emails about changes to our processors"),
    purpose=_(
        "To email you when we add, change or stop using a company that processes personal "
        "data for us, as you asked."
    ),
    legal_basis=Basis.CONSENT,
    fields=("email", "language", "confirmed_at"),
    held={"person": _("The account that subscribed: yours (its address is used).")},
    # Their account's, and one they confirmed as a visitor from the same address.
    about=subscriptions_about,
    erasure=Erasure.DELETE,
    retention=Retention.account(
        _("Or until you unsubscribe: every email has a link that does it at once.")
    ),
)
declare(
    ProcessorChange,
    section="3.3",
    category=_("Changes to our processors"),
    purpose=_(
        "What changed in the list of companies that process personal data for us, and "
        "which member of staff changed it."
    ),
    legal_basis=Basis.LEGITIMATE_INTERESTS,
    fields=("processor", "notice", "kind", "summary", "created_at"),
    about=None,
    acted=Actor(
        "changed_by",
        fields=("kind", "summary", "created_at"),
        description="Changes you made to the processor list as a member of staff.",
    ),
    erasure=Erasure.DELETE,
    retention=Retention.account(
        _("Kept as the history of our processors; a member of staff who leaves is removed from it.")
    ),
)
exempt(
    Subprocessor,
    reason="Companies that process data for us, as published on /privacy/subprocessors/.",
    reviewed=("name", "country"),
)
exempt(
    ChangeNotice,
    reason="How far an email about a change got: counts and an internal position, about nobody.",
)


# --- The outbox (jobletters.models.OutboxEntry) ---------------------------------------------
# Work on its way, some of it about a person. The outbox lives in the shared ground, which
# imports no app, so its entry is declared here.
_OUTBOX_BOOKKEEPING = _("When and how often the work was tried: our own bookkeeping.")


def _export_outbox(user):
    rows = (
        OutboxEntry.objects.filter(person=user)
        .order_by("created_at", "pk")
        .values_list("kind", "state", "created_at", "finished_at")
    )
    for kind, state, created_at, finished_at in rows.iterator(chunk_size=2000):
        yield {
            "kind": kind,
            "state": state,
            "created_at": created_at.isoformat(),
            "finished_at": finished_at.isoformat() if finished_at else None,
        }


declare(
    OutboxEntry,
    section="2.1",
    category=_("Emails and work in progress"),
    purpose=_(
        "To send you emails and finish work you asked for (checking a CV, sending a "
        "packet), even when a service we rely on is briefly unavailable."
    ),
    legal_basis=Basis.CONTRACT,
    fields=("kind", "state", "created_at", "finished_at"),
    held={
        "payload": _(
            "Ids of the work and, until it is sent, the text of an email to you "
            "(the email itself reaches you)."
        ),
        "key": _("An internal key that stops the same work being recorded twice."),
        "queue": _OUTBOX_BOOKKEEPING,
        "attempts": _OUTBOX_BOOKKEEPING,
        "max_attempts": _OUTBOX_BOOKKEEPING,
        "due_at": _OUTBOX_BOOKKEEPING,
        "enqueued_at": _OUTBOX_BOOKKEEPING,
        "lease_until": _OUTBOX_BOOKKEEPING,
        "started_at": _OUTBOX_BOOKKEEPING,
        "last_error": _("Technical errors for our staff."),
    },
    about="person",
    erasure=Erasure.DELETE,
    # Unsent work is finished as skipped before it goes (a mailing still adds up).
    eraser=lambda user: outbox.discard(OutboxEntry.objects.filter(person=user)),
    retention=Retention.after_event(
        days=30,
        field="created_at",
        event=_("the work was recorded, once it is finished"),
        where=Q(state__in=[OutboxEntry.State.DONE, OutboxEntry.State.FAILED]),
        note=_("An email's content is wiped as soon as it is sent."),
    ),
    exporter=_export_outbox,
)
