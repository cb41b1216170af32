"""Registry entry for the outbox: work on its way, some of it about a person."""

from privacy.registry import Erasure, declare

from .models import OutboxEntry


def _export_outbox(user):
    for row in OutboxEntry.objects.filter(person=user).order_by("created_at"):
        yield {
            "kind": row.kind,
            "state": row.state,
            "created_at": row.created_at.isoformat(),
            "finished_at": row.finished_at.isoformat() if row.finished_at else None,
        }


declare(
    OutboxEntry,
    section="2.1",
    category="Emails and work in progress",
    purpose="To send you emails and finish work you asked for (checking a CV, sending a "
    "packet), even when a service we rely on is briefly unavailable.",
    fields=("kind", "payload", "state", "created_at", "finished_at"),
    user_path="person",
    erasure=Erasure.DELETE,
    retention="An email's content is wiped once it is sent; the record of the work is "
    "deleted after 30 days.",
    exporter=_export_outbox,
)
