"""Announcements go out in batches from the outbox (see communications.announcements)."""

from __future__ import annotations

from django.conf import settings

from jobletters import outbox

from . import announcements


@outbox.handler(announcements.BATCH, queue="default", max_attempts=10, time_limit=240)
def announcement_batch(payload: dict) -> None:
    announcements.queue_batch(announcement_id=payload["announcement_id"], after=payload["after"])


# Looks again every minute until every email has left (or failed for good): up to
# about two days, longer than the email worker's own retries.
@outbox.handler(announcements.FINISH, queue="default", max_attempts=3000, time_limit=60)
def announcement_finish(payload: dict) -> None:
    if not announcements.finish(announcement_id=payload["announcement_id"]):
        raise outbox.Retry("emails still waiting", delay=settings.ANNOUNCEMENT_FINISH_CHECK_SECONDS)


@announcement_finish.on_give_up
def _announcement_finish_gave_up(payload: dict, error: str) -> None:
    # Keep the counts as they are: staff see what is still waiting in the outbox.
    announcements.finish(announcement_id=payload["announcement_id"], force=True)
