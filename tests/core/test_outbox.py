"""The outbox: deferred work is a row first, claimed once, retried with backoff, never lost."""

from __future__ import annotations

import smtplib
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from jobletters import outbox
from jobletters.lib.emails import queue_email
from jobletters.models import OutboxEntry
from jobletters.outbox import TransientError

from ..utils import run_outbox, wait_until

State = OutboxEntry.State

calls: list[dict] = []
gave_up: list[tuple[dict, str]] = []


@outbox.handler("tests.record", max_attempts=3, time_limit=30)
def _record(payload):
    calls.append(payload)
    if payload.get("fail") == "transient":
        raise TransientError("service unavailable")
    if payload.get("fail") == "bug":
        raise ValueError("a bug")
    if payload.get("fail") == "give-up":
        raise outbox.GiveUp("never possible")
    if payload.get("fail") == "retry-soon":
        raise outbox.Retry("not yet", delay=1)
    if payload.get("fail") == "retry-now":
        raise outbox.Retry("not yet", delay=0)
    if payload.get("sleep"):
        threading.Event().wait(payload["sleep"])


@_record.on_give_up
def _record_gave_up(payload, error):
    gave_up.append((payload, error))


@pytest.fixture(autouse=True)
def _fresh_calls():
    calls.clear()
    gave_up.clear()


pytestmark = pytest.mark.django_db


def test_deferred_work_is_a_row_that_runs_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = outbox.defer("tests.record", {"n": 1})
        assert OutboxEntry.objects.get(pk=entry.pk).state == State.PENDING
        assert calls == []  # nothing runs before the transaction commits
    entry.refresh_from_db()
    assert calls == [{"n": 1}]
    assert (entry.state, entry.attempts, entry.last_error) == (State.DONE, 1, "")
    assert entry.finished_at is not None


def test_work_of_a_rolled_back_transaction_never_runs(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                outbox.defer("tests.record", {"n": 1})
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert calls == []
    assert not OutboxEntry.objects.exists()


def test_a_key_makes_deferring_idempotent():
    first = outbox.defer("tests.record", {"n": 1}, key="same")
    second = outbox.defer("tests.record", {"n": 2}, key="same")
    assert first.pk == second.pk
    assert OutboxEntry.objects.count() == 1


def test_an_unknown_kind_is_refused_when_deferring():
    with pytest.raises(LookupError):
        outbox.defer("tests.nobody-handles-this")


def test_a_finished_entry_is_not_run_again_when_its_message_is_redelivered():
    entry = outbox.defer("tests.record", {"n": 1})
    assert outbox.run_entry(entry.pk) == "done"
    assert outbox.run_entry(entry.pk) == "skipped"
    assert calls == [{"n": 1}]


def test_transient_errors_are_retried_with_backoff_then_given_up():
    entry = outbox.defer("tests.record", {"fail": "transient"})
    before = timezone.now()
    assert outbox.run_entry(entry.pk) == "retry"
    entry.refresh_from_db()
    assert entry.state == State.PENDING
    assert entry.attempts == 1
    assert entry.due_at > before + timedelta(seconds=20)  # backoff, not a hot loop
    assert entry.enqueued_at is None  # the sweeper hands it over when due
    assert "TransientError: service unavailable" in entry.last_error
    assert outbox.run_entry(entry.pk) == "skipped"  # not due yet

    later = entry.due_at + timedelta(seconds=1)
    assert outbox.run_entry(entry.pk, now=later) == "retry"
    entry.refresh_from_db()
    assert outbox.run_entry(entry.pk, now=entry.due_at + timedelta(seconds=1)) == "failed"
    entry.refresh_from_db()
    assert entry.state == State.FAILED
    assert entry.attempts == 3
    assert entry.last_error.startswith("gave up after 3 attempts")
    assert gave_up == [({"fail": "transient"}, entry.last_error)]


@pytest.mark.parametrize("fail", ["bug", "give-up"])
def test_errors_that_retrying_cannot_fix_fail_at_once(fail, caplog):
    entry = outbox.defer("tests.record", {"fail": fail})
    assert outbox.run_entry(entry.pk) == "failed"
    entry.refresh_from_db()
    assert entry.state == State.FAILED
    assert entry.attempts == 1
    assert len(gave_up) == 1


def test_a_handler_can_ask_for_a_retry_after_a_delay():
    entry = outbox.defer("tests.record", {"fail": "retry-soon"})
    now = timezone.now()
    outbox.run_entry(entry.pk, now=now)
    entry.refresh_from_db()
    assert entry.due_at <= timezone.now() + timedelta(seconds=2)


def test_a_retry_asked_with_no_delay_is_due_at_once():
    entry = outbox.defer("tests.record", {"fail": "retry-now"})
    assert outbox.run_entry(entry.pk) == "retry"
    entry.refresh_from_db()
    assert entry.state == State.PENDING and entry.due_at <= timezone.now()


def test_work_retried_before_the_sweeper_is_done_handing_it_over_is_swept_again():
    entry = outbox.defer("tests.record", {"fail": "retry-now"})
    OutboxEntry.objects.filter(pk=entry.pk).update(enqueued_at=None)  # never handed over
    # Eager tasks: the worker runs the entry, which asks for a retry, within sweep().
    assert outbox.sweep() == 1
    assert OutboxEntry.objects.get(pk=entry.pk).enqueued_at is None
    assert outbox.sweep() == 1
    assert len(calls) == 2


def test_work_abandoned_by_a_dead_worker_is_claimed_again_after_its_lease():
    entry = outbox.defer("tests.record", {"n": 1})
    # A worker claimed it, then died: the row says running, with a lease.
    OutboxEntry.objects.filter(pk=entry.pk).update(
        state=State.RUNNING, attempts=1, lease_until=timezone.now() + timedelta(seconds=90)
    )
    assert outbox.run_entry(entry.pk) == "skipped"  # the lease still holds
    assert run_outbox() == 0
    after_lease = timezone.now() + timedelta(seconds=91)
    assert outbox.run_entry(entry.pk, now=after_lease) == "done"
    entry.refresh_from_db()
    assert (entry.state, entry.attempts) == (State.DONE, 2)


def test_work_that_kills_its_worker_every_time_fails_after_max_attempts():
    entry = outbox.defer("tests.record", {"n": 1})
    OutboxEntry.objects.filter(pk=entry.pk).update(
        state=State.RUNNING, attempts=3, lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert outbox.run_entry(entry.pk) == "failed"
    entry.refresh_from_db()
    assert entry.state == State.FAILED
    assert "unfinished attempts" in entry.last_error
    assert calls == []
    assert len(gave_up) == 1


def test_the_sweeper_hands_over_due_work_and_leaves_fresh_work_alone(
    django_capture_on_commit_callbacks,
):
    waiting = outbox.defer("tests.record", {"n": "lost message"})
    fresh = outbox.defer("tests.record", {"n": "just queued"})
    later = outbox.defer("tests.record", {"n": "later"}, delay=3600)
    now = timezone.now()
    OutboxEntry.objects.filter(pk=waiting.pk).update(enqueued_at=now - timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.sweep(now=now) == 1
    assert calls == [{"n": "lost message"}]
    assert OutboxEntry.objects.get(pk=fresh.pk).state == State.PENDING
    assert OutboxEntry.objects.get(pk=later.pk).state == State.PENDING


def test_staff_can_retry_failed_work(django_capture_on_commit_callbacks):
    entry = outbox.defer("tests.record", {"fail": "bug"})
    outbox.run_entry(entry.pk)
    OutboxEntry.objects.filter(pk=entry.pk).update(payload={"n": "fixed"})
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.retry_now([entry.pk]) == 1
    entry.refresh_from_db()
    assert entry.state == State.DONE
    assert calls[-1] == {"n": "fixed"}


@pytest.fixture
def staff_client(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    return client


def test_staff_see_failed_work_and_retry_it_in_the_admin(staff_client):
    entry = outbox.defer("tests.record", {"fail": "bug"})
    outbox.run_entry(entry.pk)
    page = staff_client.get("/admin/jobletters/outboxentry/?state__exact=failed")
    assert page.status_code == 200
    assert b"ValueError: a bug" in page.content
    detail = staff_client.get(f"/admin/jobletters/outboxentry/{entry.pk}/change/")
    assert detail.status_code == 200
    assert b"tests.record" in detail.content
    response = staff_client.post(
        "/admin/jobletters/outboxentry/",
        {"action": "run_again", "_selected_action": [entry.pk]},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.attempts <= 1
    assert entry.state != "failed"


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (TransientError("x"), True),
        (ConnectionRefusedError(), True),
        (TimeoutError(), True),
        (smtplib.SMTPServerDisconnected("bye"), True),
        (smtplib.SMTPResponseException(421, b"try later"), True),
        (smtplib.SMTPResponseException(550, b"no such user"), False),
        (smtplib.SMTPRecipientsRefused({"a@b.example": (550, b"no")}), False),
        (smtplib.SMTPRecipientsRefused({"a@b.example": (451, b"later")}), True),
        (FileNotFoundError(), False),
        (ValueError("bug"), False),
        (KeyError("bug"), False),
    ],
)
def test_errors_of_outside_services_are_transient_and_bugs_are_not(error, transient):
    assert outbox.is_transient(error) is transient


def test_library_errors_are_classified():
    import redis.exceptions
    import stripe
    from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
    from kombu.exceptions import OperationalError
    from psycopg_pool import PoolTimeout

    assert outbox.is_transient(EndpointConnectionError(endpoint_url="http://s3"))
    assert outbox.is_transient(ReadTimeoutError(endpoint_url="http://s3"))

    def s3_error(code: str, status: int) -> ClientError:
        return ClientError(
            {"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "PutObject"
        )

    assert outbox.is_transient(s3_error("SlowDown", 503))
    assert not outbox.is_transient(s3_error("AccessDenied", 403))
    assert outbox.is_transient(stripe.APIConnectionError("down"))
    assert outbox.is_transient(redis.exceptions.ConnectionError())
    assert outbox.is_transient(OperationalError())
    assert outbox.is_transient(PoolTimeout("couldn't get a connection after 10.00 sec"))


# --- Email: exactly once ------------------------------------------------------------------


def _queue_welcome(seeker, key=None):
    return queue_email(
        template="tests/hello",
        to=[seeker.email],
        context={"name": "Sam"},
        person=seeker,
        key=key,
    )


@pytest.fixture
def hello_templates(settings, tmp_path):
    folder = tmp_path / "templates" / "tests"
    folder.mkdir(parents=True)
    (folder / "hello_subject.txt").write_text("Hello {{ name }}")
    (folder / "hello.txt").write_text("Hi {{ name }}, from {{ SITE_NAME }}.")
    (folder / "hello.html").write_text("<p>Hi {{ name }}</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]


def test_a_queued_email_is_sent_once_and_its_content_wiped(seeker, hello_templates):
    entry = _queue_welcome(seeker)
    assert mail.outbox == []  # never sent inside the request
    assert entry.payload["to"] == [seeker.email]
    assert run_outbox() == 1
    assert outbox.run_entry(entry.pk) == "skipped"  # a redelivered task finds it sent
    [message] = mail.outbox
    assert message.subject == "Hello Sam"
    assert message.to == [seeker.email]
    assert message.alternatives[0] == ("<p>Hi Sam</p>", "text/html")
    assert message.extra_headers["Message-ID"] == entry.payload["message_id"]
    entry.refresh_from_db()
    assert entry.state == State.DONE
    assert set(entry.payload) == {"kind", "message_id"}  # no address, no text kept
    assert entry.person == seeker


def test_staff_never_see_a_queued_message_in_the_admin(seeker, hello_templates, staff_client):
    entry = _queue_welcome(seeker)
    page = staff_client.get(f"/admin/jobletters/outboxentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert seeker.email.encode() not in page.content
    assert b"Hi Sam" not in page.content


def test_an_email_waits_while_smtp_is_down_and_goes_once_when_it_is_back(
    seeker, hello_templates, smtp_sink, settings
):
    _queue_welcome(seeker, key="welcome")
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there: connection refused
    assert run_outbox() == 1
    entry = OutboxEntry.objects.get(key="welcome")
    assert entry.state == State.PENDING
    assert "ConnectionRefusedError" in entry.last_error
    settings.EMAIL_PORT = port
    assert run_outbox() == 0  # not due yet: backoff
    outbox.run_entry(entry.pk, now=timezone.now() + timedelta(hours=1))
    outbox.run_entry(entry.pk, now=timezone.now() + timedelta(hours=2))
    assert len(smtp_sink.wait_for(1)) == 1
    entry.refresh_from_db()
    assert entry.state == State.DONE


# --- Broker down, and a real worker --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_is_down_loses_nothing_and_raises_nothing(broker_down):
    entry = outbox.defer("tests.record", {"n": 1})  # autocommit: hand-over right away
    entry.refresh_from_db()
    assert entry.state == State.PENDING
    assert entry.enqueued_at is None  # marked for the sweeper
    # Another request during the outage does not even try (no connect timeout each time).
    second = outbox.defer("tests.record", {"n": 2})
    second.refresh_from_db()
    assert second.enqueued_at is None
    assert outbox.sweep() == 0
    assert run_outbox() == 2  # the broker is back (here: run directly), nothing lost
    assert sorted(c["n"] for c in calls) == [1, 2]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_deferred_work(real_worker):
    entry = outbox.defer("tests.record", {"n": "real"})
    assert wait_until(lambda: OutboxEntry.objects.get(pk=entry.pk).state == State.DONE)
    assert calls == [{"n": "real"}]


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_one_entry_run_it_once():
    entry = outbox.defer("tests.record", {"sleep": 0.2}, delay=60)
    when = timezone.now() + timedelta(seconds=61)
    barrier = threading.Barrier(4)
    results: list[str] = []

    def race():
        barrier.wait()
        try:
            results.append(outbox.run_entry(entry.pk, now=when))
        finally:
            connection.close()

    threads = [threading.Thread(target=race) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["done", "skipped", "skipped", "skipped"]
    assert len(calls) == 1


# --- Finish hooks: what a mailing counts ------------------------------------------------------


def test_finish_hooks_see_each_end_once(monkeypatch):
    seen: list[tuple[int, str]] = []
    monkeypatch.setattr(outbox, "_finish_hooks", [lambda e, state: seen.append((e.pk, state))])
    done = outbox.defer("tests.record", {})
    failed = outbox.defer("tests.record", {"fail": "bug"})
    run_outbox()
    assert outbox.run_entry(done.pk) == "skipped"  # a redelivered task: no second end
    assert sorted(seen) == sorted([(done.pk, State.DONE), (failed.pk, State.FAILED)])

    assert outbox.retry_now([failed.pk, done.pk]) == 1  # only the failed one runs again
    assert seen[-1] == (failed.pk, State.PENDING)  # no longer counted as failed


def test_a_finish_hook_that_fails_undoes_the_mark(monkeypatch):
    def broken(entry, state):
        raise RuntimeError("could not count")

    monkeypatch.setattr(outbox, "_finish_hooks", [broken])
    entry = outbox.defer("tests.record", {})
    with pytest.raises(RuntimeError):
        outbox.run_entry(entry.pk)
    # Neither marked nor counted: it runs again once its claim runs out.
    assert OutboxEntry.objects.get(pk=entry.pk).state == State.RUNNING
