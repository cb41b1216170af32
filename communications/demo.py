"""A draft announcement for staff to preview, test and send from the admin."""

from __future__ import annotations

from typing import Any

from jobletters import demo

from .announcements import save_announcement
from .models import Announcement

SUBJECT = "Demo: planned maintenance on Sunday morning"


@demo.register
def load(*, seeker: Any, staff: Any, stdout: Any) -> None:
    if not Announcement.objects.filter(subject=SUBJECT).exists():
        save_announcement(
            announcement=Announcement(
                subject=SUBJECT,
                body="Job Letters will be unavailable on Sunday between 06:00 and 07:00 UTC "
                "while we upgrade our servers.\n\nPackets waiting to be sent leave afterwards.",
            ),
            staff=staff,
        )
    stdout.write("communications: a draft announcement waits in the admin.")
