"""PostgreSQL, Redis, a Celery worker and an SMTP sink on 127.0.0.1, for benchmarks.

Defaults: database ``jl_bench`` (created and migrated when missing), Redis DB 14 for
the broker and 15 for the cache; ``DATABASE_URL``, ``REDIS_URL`` and ``CACHE_URL``
override them. Settings are the production ones (``DEBUG=false``).
"""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent.parent
VAR = ROOT / "var" / "bench"

_held: list = []  # the worker lock's file, open for the life of the process

BENCH_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SITE_URL": "https://127.0.0.1",
    "MFA_ENCRYPTION_KEYS": "YmVuY2gtb25seS10d28tZmFjdG9yLWtleS0zMmJ5dGU=",  # bench only
    "BENCH_MINIMAL_VIEW": "1",
    "LOG_LEVEL": "WARNING",
    "JOBLETTERS_VAR_DIR": str(VAR),
}


def configure(**extra: str) -> None:
    """The environment every process of a benchmark shares (this one and its children)."""
    # Stopped with SIGTERM, the benchmark still stops what it started (its ``finally``).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.environ.update(BENCH_ENV)
    os.environ.update(extra)
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jl_bench")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
    os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/15")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def missing_services() -> str:
    """Why the benchmark cannot run here ("" when PostgreSQL and Redis answer)."""
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        return "needs DATABASE_URL=postgres://… (the production database)"
    for url, port in (
        (os.environ["DATABASE_URL"], 5432),
        (os.environ["REDIS_URL"], 6379),
        (os.environ["CACHE_URL"], 6379),
    ):
        parts = urlsplit(url)
        try:
            with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or port), 2):
                pass
        except OSError:
            return f"{parts.hostname}:{parts.port or port} is not answering"
    return ""


def prepare_database() -> None:
    """Create the database when missing, migrate it, then set Django up here."""
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--noinput", "-v", "0")
    import django

    django.setup()


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group started with ``start_new_session``, then SIGKILL."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def start_worker(
    *, concurrency: int = 2, name: str = "bench", beat: bool = False
) -> subprocess.Popen[bytes]:
    """A real ``celery worker`` (prefork) on every queue, with the bench's no-op handler;
    with ``beat``, beat inside it too (the outbox sweeper and the periodic jobs).

    One benchmark's worker at a time: two would take each other's work from the shared
    broker. The lock is held until this process ends.
    """
    VAR.mkdir(parents=True, exist_ok=True)
    lock = (VAR / "worker.lock").open("w")
    fcntl.flock(lock, fcntl.LOCK_EX)  # waits for another benchmark's worker to be gone
    _held.append(lock)
    log = VAR / f"worker-{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_bytes(b"")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "bench.support.worker_app", "worker",
            "--pool", "prefork", "--concurrency", str(concurrency),
            "-Q", "default,packets,privacy", "--loglevel", "INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-n", f"{name}-{os.getpid()}@%h",
            *(["--beat", "--schedule", str(VAR / f"beat-{name}")] if beat else []),
        ],
        cwd=ROOT,
        # INFO: the worker says " ready." when it consumes (the sign waited for below).
        env={**os.environ, "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "INFO"},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if b" ready." in log.read_bytes():
            return process
        if process.poll() is not None:
            break
        time.sleep(0.2)
    stop(process)
    raise SystemExit(f"the Celery worker did not start; see {log}")


class SmtpSink:
    """An SMTP server (aiosmtpd) on 127.0.0.1 that counts each recipient's messages."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.received: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd names it
        with self._lock:
            self.received.update(address.lower() for address in envelope.rcpt_tos)
        return "250 OK"

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self) -> SmtpSink:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
