"""Outbox handlers and a Celery task that tests run in real worker processes."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from celery import shared_task

from jobletters import outbox

logger = logging.getLogger("tests.worker_tasks")

PERSONAL_EMAIL = "private.person@example.com"
PERSONAL_IP = "198.51.100.23"
SECRET_TOKEN = "Zx9" * 14  # 42 characters, like a signed link's token
# An argument nothing would redact: it must not be logged at all.
PLAIN_ARGUMENT = "plain-argument-value-42"


@outbox.handler("tests.log_personal_data", max_attempts=1, time_limit=30)
def log_personal_data(payload: dict) -> None:
    logger.warning("contacting %s from %s with %s", PERSONAL_EMAIL, PERSONAL_IP, SECRET_TOKEN)
    raise ValueError(f"could not reach {PERSONAL_EMAIL} at {PERSONAL_IP} token={SECRET_TOKEN}")


@outbox.handler("tests.slow_journal", max_attempts=5, time_limit=10)
def slow_journal(payload: dict) -> None:
    """Write "start" to a journal, work for a while, then write "done"."""
    journal = Path(payload["journal"])
    with journal.open("a") as out:
        out.write("start\n")
    time.sleep(payload.get("seconds", 0))
    with journal.open("a") as out:
        out.write("done\n")


@outbox.handler("tests.succeed", max_attempts=3, time_limit=30)
def succeed(payload: dict) -> None:
    logger.info("working")


@outbox.handler("tests.retry_once", max_attempts=3, time_limit=30)
def retry_once(payload: dict) -> None:
    marker = Path(payload["marker"])
    if not marker.exists():
        marker.write_text("tried once\n")
        raise outbox.Retry("not yet", delay=0)


@shared_task(name="tests.worker_tasks.remember")
def remember(note: str, *, also: str = "") -> str:
    return "remembered"
