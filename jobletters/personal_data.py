"""Registry entry for the outbox: work on its way, some of it about a person."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.registry import Basis, Erasure, Retention, declare

from .models import OutboxEntry

_BOOKKEEPING = _("When and how often the work was tried: our own bookkeeping.")


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
        "queue": _BOOKKEEPING,
        "attempts": _BOOKKEEPING,
        "max_attempts": _BOOKKEEPING,
        "due_at": _BOOKKEEPING,
        "enqueued_at": _BOOKKEEPING,
        "lease_until": _BOOKKEEPING,
        "started_at": _BOOKKEEPING,
        "last_error": _("Technical errors for our staff."),
    },
    about="person",
    erasure=Erasure.DELETE,
    retention=Retention.after_event(
        days=30,
        field="created_at",
        event=_("the work was recorded, once it is finished"),
        where=Q(state__in=[OutboxEntry.State.DONE, OutboxEntry.State.FAILED]),
        note=_("An email's content is wiped as soon as it is sent."),
    ),
    exporter=_export_outbox,
)
