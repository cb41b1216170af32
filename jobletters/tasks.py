"""The outbox's two Celery tasks: run one entry, and sweep for due ones (beat)."""

from __future__ import annotations

from celery import shared_task

from . import outbox
from .lib import emails  # noqa: F401  (registers the email handler)


# No Celery-level retries: the outbox records attempts, backoff and failure itself,
# and the sweeper re-sends whatever is due. acks_late + the claim make redelivery safe.
@shared_task(name="jobletters.tasks.run_outbox_entry", autoretry_for=(), max_retries=0)
def run_outbox_entry(entry_id: int) -> str:
    return outbox.run_entry(entry_id)


@shared_task(name="jobletters.tasks.sweep_outbox", autoretry_for=(), max_retries=0)
def sweep_outbox() -> int:
    return outbox.sweep()
