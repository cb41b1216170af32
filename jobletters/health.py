"""Health checks: ``/healthz`` is the process and the database (one ``SELECT 1``);
``/readyz`` adds the broker and storage, kept per process for ``HEALTH_READINESS_CACHE_SECONDS``
so a poller cannot load them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from kombu import Connection

logger = logging.getLogger(__name__)

Results = dict[str, dict[str, object]]


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    with Connection(
        settings.CELERY_BROKER_URL,
        transport_options=getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
        connect_timeout=2,
    ) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def check_storage() -> None:
    # A lookup of a key that never exists: proves the store answers and the
    # credentials work, without writing anything.
    default_storage.exists("healthz/probe")


READINESS_CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "broker": check_broker,
    "storage": check_storage,
}


def run_checks(checks: dict[str, Callable[[], None]]) -> tuple[bool, Results]:
    results: Results = {}
    healthy = True
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:
            healthy = False
            logger.warning("health check %s failed: %s", name, exc.__class__.__name__)
            results[name] = {"ok": False, "error": exc.__class__.__name__}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return healthy, results


_lock = threading.Lock()
_last: tuple[float, bool, Results] | None = None  # time.monotonic() of the checks, results


def readiness() -> tuple[bool, Results, float]:
    """The readiness checks, run at most once per cache period in this process.

    Returns (healthy, results, age in seconds of the results).
    """
    global _last
    with _lock:
        if _last is None or time.monotonic() - _last[0] >= settings.HEALTH_READINESS_CACHE_SECONDS:
            _last = (time.monotonic(), *run_checks(READINESS_CHECKS))
        at, healthy, results = _last
    return healthy, results, time.monotonic() - at
