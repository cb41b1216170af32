"""Registry entry for announcements: what staff wrote and sent to everyone.

An announcement is about nobody in particular. Staff who wrote or sent one are
named on it (for accountability); when a member of staff is erased the
announcement stays without them. The emails themselves are outbox entries (each
person's, declared by ``jobletters``) and the choices of who wants them are
consent-ledger rows (``privacy``).
"""

from django.utils.translation import gettext_lazy as _

from privacy.registry.declarations import Actor, Basis, Erasure, declare
from privacy.registry.retention import Retention

from .models import Announcement

_PROGRESS = _("How far sending got: counts and an internal position, about nobody.")

declare(
    Announcement,
    section="2.4",
    category=_("Announcements by email"),
    purpose=_("The announcements our staff wrote and sent, and who wrote and sent them."),
    legal_basis=Basis.LEGITIMATE_INTERESTS,
    fields=(
        "category",
        "subject",
        "body_format",
        "body",
        "state",
        "created_at",
        "updated_at",
        "test_sent_at",
        "started_at",
        "queued_at",
        "finished_at",
    ),
    held={
        "cursor": _PROGRESS,
        "batches": _PROGRESS,
        "queued_count": _PROGRESS,
        "sent_count": _PROGRESS,
        "skipped_count": _PROGRESS,
        "failed_count": _PROGRESS,
    },
    about=None,
    acted=(
        Actor(
            "created_by",
            fields=("subject", "created_at"),
            description="Announcements you wrote as a member of staff.",
        ),
        Actor(
            "sent_by",
            fields=("subject", "started_at"),
            description="Announcements you sent as a member of staff.",
        ),
    ),
    erasure=Erasure.DELETE,
    retention=Retention.account(
        _("Kept as a record of what we sent; a member of staff who leaves is removed from it.")
    ),
)
