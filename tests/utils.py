"""Small helpers for tests."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Poll until predicate() is true (work done by another thread or process)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def run_outbox() -> int:
    """Run the deferred work that is due, as a worker would (emails, checks…)."""
    from jobletters import outbox

    return outbox.run_due()
