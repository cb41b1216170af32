"""Shared fixtures: named people (seeker, other_seeker, staff) and a clean world per test.

The suite runs on embedded defaults, or on PostgreSQL/Redis when DATABASE_URL /
REDIS_URL are set (as in CI). Each test gets its own private media folder, an
empty cache (rate limits start fresh), fast password hashing and eager Celery
(tests that need a real worker start one, see tests/core/test_worker.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from config.celery import app as celery_app

from .factories import DEFAULT_PASSWORD, UserFactory

pytest_plugins = ["tests.database"]

# Property tests (hypothesis): repeatable (the same examples every run, none remembered
# between runs) and quick, so the whole suite keeps its time. A test may ask for more
# examples; HYPOTHESIS_PROFILE=thorough looks harder, by hand.
hypothesis_settings.register_profile(
    "suite",
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "thorough", parent=hypothesis_settings.get_profile("suite"), max_examples=500,
    derandomize=False,
)  # fmt: skip
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


@pytest.fixture(autouse=True)
def _isolated_world(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                **settings.STORAGES["default"],
                "OPTIONS": {
                    **settings.STORAGES["default"]["OPTIONS"],
                    "location": tmp_path / "media",
                },
            },
        }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Every app's demo data is loaded by some tests: a small recruiter directory will do.
    settings.RECRUITERS_DEMO_COUNT = 200
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    cache.clear()
    yield
    cache.clear()


# --- A real Celery worker --------------------------------------------------------------


def _reset_celery_connections() -> None:
    # Celery keeps a connection and producer pool made with the broker options of
    # the moment (even eager tasks acquire a producer): drop them when the options change.
    celery_app._after_fork()


@pytest.fixture
def broker(tmp_path):
    """The configured broker, tasks really sent, every queue declared and empty.

    Redis in CI (REDIS_URL); otherwise the embedded filesystem broker, moved to a
    private folder for the test.
    """
    saved_options = dict(celery_app.conf.broker_transport_options or {})
    celery_app.conf.task_always_eager = False
    if celery_app.conf.broker_url.startswith("filesystem://"):
        folder = tmp_path / "broker"
        folder.mkdir()
        celery_app.conf.broker_transport_options = {
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "control_folder": str(tmp_path / "broker-control"),
            "store_processed": False,
        }
    _reset_celery_connections()
    with celery_app.connection_for_write() as conn:
        for queue in celery_app.conf.task_queues:  # declared with their bindings, as a worker does
            queue(conn.default_channel).declare()
    celery_app.control.purge()
    yield celery_app
    celery_app.control.purge()
    celery_app.conf.broker_transport_options = saved_options
    celery_app.conf.task_always_eager = True
    _reset_celery_connections()


@pytest.fixture
def broker_down(broker, monkeypatch):
    """The broker refuses connections (a port nothing listens on)."""
    saved = broker.conf.broker_url
    broker.conf.broker_url = "redis://127.0.0.1:1/0"
    _reset_celery_connections()
    from jobletters import outbox

    monkeypatch.setattr(outbox, "_broker_down_until", 0.0)
    yield broker
    broker.conf.broker_url = saved
    _reset_celery_connections()
    outbox._broker_down_until = 0.0


@pytest.fixture
def real_worker(broker):
    """A Celery worker in a thread consuming every queue; use with a transactional db."""
    from celery.contrib.testing.worker import start_worker

    with start_worker(broker, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield broker


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


@pytest.fixture
def seeker(db):
    return UserFactory(email="seeker@example.com", name="Sam Seeker")


@pytest.fixture
def other_seeker(db):
    return UserFactory(email="other@example.com", name="Olive Other")


@pytest.fixture
def staff(db):
    user = UserFactory(
        email="staff@example.com", name="Stella Staff", is_staff=True, is_superuser=True
    )
    return user


@pytest.fixture
def staff_with_mfa(staff):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(staff, generate_totp_secret())
    assert Authenticator.objects.filter(user=staff).exists()
    return staff


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def seeker_client(seeker) -> Client:
    return _client_for(seeker)


@pytest.fixture
def other_seeker_client(other_seeker) -> Client:
    return _client_for(other_seeker)


@pytest.fixture
def staff_client(staff) -> Client:
    return _client_for(staff)


# --- Real components: S3 (moto server), SMTP (aiosmtpd), headless Chromium ------------


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class S3Bucket:
    client: object
    name: str
    endpoint_url: str


@pytest.fixture
def moto_s3(settings, moto_server):
    """Default storage switched to S3 on moto's server, with a fresh private bucket."""
    import uuid

    import boto3

    from config.settings import s3_client_config

    bucket = f"jl-test-{uuid.uuid4().hex[:12]}"
    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    client = boto3.client("s3", endpoint_url=moto_server, region_name="us-east-1", **credentials)
    client.create_bucket(Bucket=bucket)
    client.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": moto_server,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "default_acl": "private",
                "file_overwrite": False,
                "querystring_expire": settings.PRIVATE_URL_EXPIRY_SECONDS,
                "client_config": s3_client_config(),
            },
        },
    }
    yield S3Bucket(client=client, name=bucket, endpoint_url=moto_server)


@dataclass
class SMTPSink:
    host: str
    port: int
    messages: list = field(default_factory=list)

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list:
        import time

        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on 127.0.0.1; Django sends to it over SMTP."""
    from email import message_from_bytes
    from email.policy import default as default_policy

    from aiosmtpd.controller import Controller

    sink = SMTPSink(host="127.0.0.1", port=_free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            message = message_from_bytes(envelope.original_content, policy=default_policy)
            message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
            sink.messages.append(message)
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname=sink.host, port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    controller.stop()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def _chromium():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test code
    # around it still talks to the database synchronously, which is safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_browser(_chromium):
    """A fresh browser page (own cookies) for one test; use with ``live_server``."""
    context = _chromium.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


# --- Real worker processes (for crashes, signals and their logs) -------------------------


@dataclass
class WorkerProcess:
    """``celery worker`` processes sharing the test's database and broker."""

    env: dict
    log_path: object
    # Settings the workers take instead of the project's (tests/worker_settings.py).
    settings: dict = field(default_factory=dict)
    procs: list = field(default_factory=list)

    def start(self, *, queues: str = "default,packets,privacy", concurrency: int = 1) -> None:
        import json
        import subprocess
        import sys
        import uuid

        ready_before = self._ready_count()
        log = open(self.log_path, "ab")  # noqa: SIM115 (kept open for the child)
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "tests.worker_app", "worker",
                "--pool", "prefork", "--concurrency", str(concurrency), "-Q", queues,
                "--loglevel", "INFO", "--without-gossip", "--without-mingle",
                "-n", f"test-{uuid.uuid4().hex[:8]}@%h",
            ],
            env={**self.env, "JOBLETTERS_TEST_SETTINGS": json.dumps(self.settings)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.procs.append(proc)
        from .utils import wait_until

        if not wait_until(lambda: self._ready_count() > ready_before, timeout=60):
            self.stop()
            raise RuntimeError("worker did not start:\n" + self.log())

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def _ready_count(self) -> int:
        return self.log_path.read_bytes().count(b" ready.") if self.log_path.exists() else 0

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children), no goodbye."""
        import signal

        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        self.procs.clear()

    def stop(self) -> None:
        import signal
        import subprocess

        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
        self.procs.clear()


def _database_url_for_children() -> str:
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def worker_process(broker, tmp_path, settings):
    """Start real worker processes on the test's (transactional) database and broker."""
    var_dir = tmp_path / "worker-var"
    if broker.conf.broker_url.startswith("filesystem://"):
        # The child computes its filesystem broker folders from its var directory.
        (var_dir / "broker" / "queue").mkdir(parents=True)
        broker.conf.broker_transport_options = {
            "data_folder_in": str(var_dir / "broker" / "queue"),
            "data_folder_out": str(var_dir / "broker" / "queue"),
            "control_folder": str(var_dir / "broker" / "control"),
            "store_processed": False,
        }
        _reset_celery_connections()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "DATABASE_URL": _database_url_for_children(),
        "JOBLETTERS_VAR_DIR": str(var_dir),
        "PYTHONUNBUFFERED": "1",
    }
    workers = WorkerProcess(
        env=env,
        log_path=tmp_path / "worker.log",
        settings={"MEDIA_ROOT": str(settings.MEDIA_ROOT)},
    )
    yield workers
    # The test is over: no warm shutdown to wait for (5 s on the filesystem broker).
    workers.kill()
