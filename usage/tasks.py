from __future__ import annotations

from celery import shared_task

from .services import purge_old_timings


@shared_task(name="usage.tasks.purge_old_timings")
def purge_old_timings_task() -> int:
    """Page timings older than USAGE_TIMINGS_KEEP_DAYS go (beat, daily)."""
    return purge_old_timings()
