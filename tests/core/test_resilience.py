"""One outside service down at a time: no 500, nothing lost, bounded waits (real sockets)."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import caches
from django.utils import timezone

from accounts.models import User
from jobletters import outbox
from jobletters.models import OutboxEntry

from ..factories import DEFAULT_PASSWORD

NEW_PASSWORD = "a-long-and-unusual-passphrase"
DEAD_PORT = 1  # nothing listens on port 1 here: connections are refused at once


def _later(hours: float) -> timezone.datetime:
    return timezone.now() + timedelta(hours=hours)


def _drain_outbox(hours: float = 6) -> None:
    """Run everything that will be due within ``hours`` (backoff included), as workers would."""
    for step in range(1, 13):
        outbox.run_due(now=_later(hours * step / 12))


# --- Broker down -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_sign_up_with_the_broker_down_works_and_the_email_follows_once(client, broker_down):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.filter(email="new@example.com").exists()
    entry = OutboxEntry.objects.get(kind="emails.send")
    assert entry.state == OutboxEntry.State.PENDING
    assert entry.enqueued_at is None  # waiting for the sweeper
    assert mail.outbox == []

    # The broker is back: the sweeper hands the email over (eager here), once.
    broker_down.conf.broker_url = "memory://"
    broker_down.conf.task_always_eager = True
    outbox._broker_down_until = 0.0
    assert outbox.sweep() == 1
    assert outbox.sweep() == 0
    assert [m.to for m in mail.outbox] == [["new@example.com"]]


@pytest.mark.django_db(transaction=True)
def test_a_cv_upload_with_the_broker_down_is_kept_and_checked_once_it_is_back(
    seeker_client, seeker, broker_down
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from profiles.models import CV

    from ..profiles import builders

    upload = SimpleUploadedFile("cv.pdf", builders.pdf_bytes("Sam Seeker"), "application/pdf")
    response = seeker_client.post("/profile/cv/", {"file": upload})
    assert response.status_code == 302
    cv = CV.objects.get(owner=seeker)
    assert cv.state == CV.State.CHECKING  # kept in quarantine, the check waits
    entry = OutboxEntry.objects.get(kind="profiles.check_cv")
    assert entry.enqueued_at is None

    broker_down.conf.broker_url = "memory://"
    broker_down.conf.task_always_eager = True
    outbox._broker_down_until = 0.0
    assert outbox.sweep() == 1
    assert outbox.sweep() == 0
    cv.refresh_from_db()
    assert cv.state == CV.State.READY
    entry.refresh_from_db()
    assert (entry.state, entry.attempts) == ("done", 1)


# --- SMTP down ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_sign_up_password_change_and_reset_with_smtp_down_then_each_email_once(
    client, settings, smtp_sink
):
    settings.EMAIL_PORT = DEAD_PORT
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302

    seeker = User.objects.create_user(email="seeker@example.com", password=DEFAULT_PASSWORD)
    seeker.emailaddress_set.create(email=seeker.email, verified=True, primary=True)
    client.force_login(seeker)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    seeker.refresh_from_db()
    assert seeker.check_password(NEW_PASSWORD)
    client.logout()
    response = client.post("/accounts/password/reset/", {"email": seeker.email})
    assert response.status_code == 302

    entries = OutboxEntry.objects.filter(kind="emails.send")
    assert entries.count() == 3
    assert set(entries.values_list("state", flat=True)) == {"pending"}  # tried, waiting
    assert all("ConnectionRefusedError" in e.last_error for e in entries)
    assert smtp_sink.messages == []

    settings.EMAIL_PORT = smtp_sink.port  # SMTP is back
    _drain_outbox()
    _drain_outbox()  # and again: nothing is sent twice
    received = sorted((m["X-Envelope-To"], m["Subject"]) for m in smtp_sink.wait_for(3))
    assert len(received) == 3
    assert [to for to, _ in received] == [
        "new@example.com",
        "seeker@example.com",
        "seeker@example.com",
    ]
    assert set(entries.values_list("state", flat=True)) == {"done"}


# --- Cache (Redis) down ------------------------------------------------------------------


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "jobletters.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{DEAD_PORT}/0",
            "KEY_PREFIX": "jl-test-down",
        }
    }
    yield caches["default"]


@pytest.mark.django_db
def test_sign_in_works_with_the_cache_down(client, seeker, cache_down):
    response = client.post(
        "/accounts/login/", {"login": seeker.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200
    assert cache_down.degraded


@pytest.mark.django_db
def test_rate_limits_still_hold_per_process_with_the_cache_down(client, seeker, cache_down):
    statuses = [
        client.post(
            "/accounts/login/", {"login": seeker.email, "password": "wrong-guess-1"}
        ).status_code
        for _ in range(40)
    ]
    assert 500 not in statuses
    assert 429 in statuses  # guessing is still limited while Redis is away


@pytest.mark.django_db
def test_pages_that_do_not_need_the_cache_keep_working(client, cache_down):
    for url in ("/", "/privacy/", "/privacy/data/", "/accounts/login/", "/accounts/signup/"):
        assert client.get(url).status_code == 200, url


# --- S3 that hangs --------------------------------------------------------------------------


class SilentServer:
    """Accepts TCP connections and never answers (a hung S3 endpoint)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.port = self.sock.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(conn)  # held open, never read, never answered

    def close(self) -> None:
        self._stop.set()
        self.thread.join(timeout=2)
        for conn in self.connections:
            conn.close()
        self.sock.close()


@pytest.fixture
def hung_s3(settings):
    from config.settings import s3_client_config

    server = SilentServer()
    settings.AWS_STORAGE_BUCKET_NAME = "hung"
    config = s3_client_config().merge(
        __import__("botocore.config", fromlist=["Config"]).Config(read_timeout=0.5)
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "hung",
                "endpoint_url": f"http://127.0.0.1:{server.port}",
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "default_acl": "private",
                "file_overwrite": False,
                "client_config": config,
            },
        },
    }
    yield server
    server.close()


@pytest.mark.django_db
def test_an_upload_to_an_s3_that_hangs_ends_with_a_clear_message(seeker_client, seeker, hung_s3):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from profiles.models import CV

    from ..profiles import builders

    upload = SimpleUploadedFile("cv.pdf", builders.pdf_bytes("Sam"), "application/pdf")
    response = seeker_client.post("/profile/cv/", {"file": upload})
    assert response.status_code in (200, 503)
    assert b"try again" in response.content.lower()
    assert not CV.objects.filter(owner=seeker).exists()
    # Bounded: the request ended because botocore gave up after the configured attempts
    # of each call (a name lookup, at most a write), every one of them timed out.
    from config.settings import s3_client_config

    assert 1 <= len(hung_s3.connections) <= 2 * s3_client_config().retries["max_attempts"]
