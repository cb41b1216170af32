"""Emails people chose to receive leave from here, once the choice is asked again."""

from __future__ import annotations

from jobletters import outbox

from . import (
    announcements,  # noqa: F401  (registers the announcements mailing)
    categories,
)


@outbox.handler(
    categories.EMAIL_KIND,
    queue="default",
    max_attempts=12,
    time_limit=60,
    keep_when_done=("kind", "message_id", "category", "outcome"),
)
def send_category_email(payload: dict) -> None:
    categories.send_if_wanted(payload)
