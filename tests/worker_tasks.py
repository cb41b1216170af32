"""Outbox handlers that tests run in real worker processes."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from jobletters import outbox

logger = logging.getLogger("tests.worker_tasks")

PERSONAL_EMAIL = "private.person@example.com"
PERSONAL_IP = "198.51.100.23"
SECRET_TOKEN = "Zx9" * 14  # 42 characters, like a signed link's token


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
