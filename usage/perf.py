"""Anonymous page timings for staff (§2.7: "to track performance of the Services").

:class:`PageTimingMiddleware` measures each request that reached a view and adds
it to this process's tally: per view name and hour, a count, total and maximum
milliseconds, errors and a histogram. Nothing about the person is kept: no
user, IP address, browser, URL or cookie; not even one row per request.

The tally is written by a background thread of each process at most every
``USAGE_TIMINGS_FLUSH_SECONDS`` (one UPDATE, or INSERT, per view and hour seen
since the last write), so requests themselves never write: a page read still
writes nothing. What a process held when it stops is written on exit; a process
killed outright loses at most that interval.

Being anonymous and using no cookie, the timings need no one's consent (they are
explained on ``/privacy/cookies/``). ``USAGE_TIMINGS = False`` turns measuring off.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.http import HttpRequest, HttpResponse

from .models import BUCKET_FIELDS, TIMING_BOUNDS_MS, PageTiming

logger = logging.getLogger(__name__)

MAX_KEYS = 5000  # a bound on the tally between writes (views x hours)


@dataclass
class Tally:
    requests: int = 0
    errors: int = 0
    total_ms: float = 0.0
    max_ms: float = 0.0
    buckets: list[int] = field(default_factory=lambda: [0] * len(BUCKET_FIELDS))

    def add(self, ms: float, *, error: bool) -> None:
        self.requests += 1
        self.errors += int(error)
        self.total_ms += ms
        self.max_ms = max(self.max_ms, ms)
        self.buckets[bucket_index(ms)] += 1


def bucket_index(ms: float) -> int:
    for index, bound in enumerate(TIMING_BOUNDS_MS):
        if ms < bound:
            return index
    return len(TIMING_BOUNDS_MS)


class Recorder:
    """This process's tally, and the thread that writes it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tally: dict[tuple[str, int], Tally] = {}
        self._pid = os.getpid()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def add(self, view_name: str, *, ms: float, error: bool, now: float | None = None) -> None:
        hour = int((now if now is not None else time.time()) // 3600)
        with self._lock:
            if os.getpid() != self._pid:  # a forked child starts with an empty tally
                self._reset_after_fork()
            key = (view_name[:200], hour)
            tally = self._tally.get(key)
            if tally is None:
                if len(self._tally) >= MAX_KEYS:
                    return
                tally = self._tally[key] = Tally()
            tally.add(ms, error=error)
        self._ensure_writer()

    def take(self) -> dict[tuple[str, int], Tally]:
        with self._lock:
            taken, self._tally = self._tally, {}
        return taken

    def pending(self) -> int:
        with self._lock:
            return len(self._tally)

    def _reset_after_fork(self) -> None:
        self._tally = {}
        self._pid = os.getpid()
        self._thread = None
        self._stop = threading.Event()

    def _ensure_writer(self) -> None:
        interval = settings.USAGE_TIMINGS_FLUSH_SECONDS
        if not interval or (self._thread is not None and self._thread.is_alive()):
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop = threading.Event()
            self._thread = threading.Thread(
                target=self._write_every,
                args=(interval, self._stop),
                name="page-timings",
                daemon=True,
            )
            self._thread.start()

    def _write_every(self, interval: float, stop: threading.Event) -> None:
        while not stop.wait(interval):
            flush_quietly(in_writer_thread=True)

    def stop(self) -> None:
        """Stop the writer thread (it writes what it holds first)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        flush_quietly()


recorder = Recorder()


def flush(tally: dict[tuple[str, int], Tally] | None = None) -> int:
    """Add the tally to the database; returns how many (view, hour) rows it touched."""
    tally = recorder.take() if tally is None else tally
    for (view_name, hour), t in tally.items():
        _add_to_row(view_name, datetime.fromtimestamp(hour * 3600, tz=UTC), t)
    return len(tally)


def flush_quietly(*, in_writer_thread: bool = False) -> None:
    """Write the tally; a database that is down costs these counts, nothing else."""
    taken = recorder.take()
    if not taken:
        return
    try:
        flush(taken)
    except Exception:
        logger.warning("page timings not written (%d rows lost)", len(taken))
    finally:
        if in_writer_thread:
            # The thread's own connection: back to the pool (or closed) until next time.
            connections.close_all()


def _add_to_row(view_name: str, hour: datetime, t: Tally) -> None:
    increments = {
        "requests": F("requests") + t.requests,
        "errors": F("errors") + t.errors,
        "total_ms": F("total_ms") + t.total_ms,
        "max_ms": Greatest(F("max_ms"), t.max_ms),
        **{name: F(name) + n for name, n in zip(BUCKET_FIELDS, t.buckets, strict=True) if n},
    }
    rows = PageTiming.objects.filter(view_name=view_name, hour=hour)
    if rows.update(**increments):
        return
    values = {
        "requests": t.requests,
        "errors": t.errors,
        "total_ms": t.total_ms,
        "max_ms": t.max_ms,
        **dict(zip(BUCKET_FIELDS, t.buckets, strict=True)),
    }
    try:
        with transaction.atomic():
            PageTiming.objects.create(view_name=view_name, hour=hour, **values)
    except IntegrityError:  # another process made the row first
        rows.update(**increments)


@atexit.register
def _flush_on_exit() -> None:
    # Only where a writer thread runs (not in tests, where the database is gone by now).
    if recorder._thread is not None and os.getpid() == recorder._pid and recorder.pending():
        flush_quietly()


class PageTimingMiddleware:
    """Times each request that reached a view (see the module's documentation)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.USAGE_TIMINGS:
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        match = getattr(request, "resolver_match", None)
        if match is not None:
            view_name = match.view_name or match._func_path
            recorder.add(view_name, ms=elapsed_ms, error=response.status_code >= 500)
        return response
