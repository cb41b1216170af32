"""People with email choices, announcements, and reading what the outbox holds."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone

from communications.categories import EMAIL_KIND, Category
from communications.models import Announcement
from jobletters.models import OutboxEntry
from privacy.consent import record_consent
from privacy.models import DeletionRequest

from ..factories import UserFactory

UNSUBSCRIBE = re.compile(r"<http://testserver(/email/unsubscribe/[^/>]+/)>")


def person(email: str, **kwargs: Any):
    return UserFactory(email=email, **kwargs)


def choose(user, category: Category, wanted: bool) -> None:
    record_consent(
        person=user,
        purpose=category.spec.purpose,
        granted=wanted,
        text=f"{category.label}: test choice {'yes' if wanted else 'no'}",
    )


def freeze(user) -> DeletionRequest:
    now = timezone.now()
    return DeletionRequest.objects.create(
        person=user, grace_ends_at=now + timezone.timedelta(days=14), due_at=now
    )


def announcement(**kwargs: Any) -> Announcement:
    values = {
        "category": Category.ANNOUNCEMENTS.value,
        "subject": "Planned maintenance on Sunday",
        "body": "We will be offline for an hour.\n\nThank you for your patience.",
    }
    values.update(kwargs)
    return Announcement.objects.create(**values)


def queued_emails(**filters: Any) -> list[OutboxEntry]:
    return list(OutboxEntry.objects.filter(kind=EMAIL_KIND, **filters).order_by("pk"))


def unsubscribe_path(payload: dict) -> str:
    match = UNSUBSCRIBE.fullmatch(payload["headers"]["List-Unsubscribe"])
    assert match, payload["headers"]["List-Unsubscribe"]
    return match.group(1)
