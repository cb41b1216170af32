"""A real Celery worker (in a thread) consumes from the configured broker.

In CI the broker is Redis (REDIS_URL); on a laptop without it, the embedded
filesystem broker. The task runs in the worker's own thread and database
connection, so the test uses a transactional database.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import clear_expired_sessions
from jobletters.celery import app as celery_app


@pytest.fixture
def broker(tmp_path):
    """The configured broker, emptied; the filesystem broker gets a private folder."""
    saved_options = dict(celery_app.conf.broker_transport_options or {})
    if celery_app.conf.broker_url.startswith("filesystem://"):
        queue = tmp_path / "broker"
        queue.mkdir()
        celery_app.conf.broker_transport_options = {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "control_folder": str(tmp_path / "control"),
            "store_processed": False,
        }
    celery_app._after_fork()  # drop pooled connections made with the old options
    with celery_app.connection_for_write() as conn:
        for queue in celery_app.conf.task_queues:  # declared with their bindings, as a worker does
            queue(conn.default_channel).declare()
    celery_app.control.purge()  # nothing left over from an earlier run
    yield celery_app
    celery_app.control.purge()
    celery_app.conf.broker_transport_options = saved_options
    celery_app._after_fork()


@pytest.fixture
def real_worker(broker):
    celery_app.conf.task_always_eager = False
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    celery_app.conf.task_always_eager = True


def _wait_until(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_runs_a_task_enqueued_after_commit(real_worker, django_capture_on_commit_callbacks):
    expired = SessionStore()
    expired["k"] = "v"
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    live = SessionStore()
    live.create()

    clear_expired_sessions.delay_on_commit()

    assert _wait_until(lambda: not Session.objects.filter(pk=expired.session_key).exists())
    assert Session.objects.filter(pk=live.session_key).exists()


def test_tasks_are_routed_to_their_queues():
    routes = celery_app.amqp.router
    assert routes.route({}, "privacy.tasks.build_export")["queue"].name == "privacy"
    assert routes.route({}, "recruiters.tasks.send_packet")["queue"].name == "packets"
    assert routes.route({}, "accounts.tasks.clear_expired_sessions")["queue"].name == "default"


def test_celery_is_configured_for_safe_delivery():
    conf = celery_app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit
    assert {(q.name, q.exchange.name, q.routing_key) for q in conf.task_queues} == {
        ("default", "default", "default"),
        ("packets", "packets", "packets"),
        ("privacy", "privacy", "privacy"),
    }
    assert conf.beat_schedule["clear-expired-sessions"]["task"] == (
        "accounts.tasks.clear_expired_sessions"
    )


def test_a_message_lands_in_its_own_queue_only(broker):
    # A shared routing key would copy every message into every queue (and run it thrice).
    sizes = {}
    with broker.connection_for_write() as conn:
        broker.send_task("accounts.tasks.clear_expired_sessions", queue="packets", connection=conn)
        for name in ("default", "packets", "privacy"):
            sizes[name] = 0
            while conn.default_channel.basic_get(name, no_ack=True) is not None:
                sizes[name] += 1
    assert sizes == {"default": 0, "packets": 1, "privacy": 0}
