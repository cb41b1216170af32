"""A real Celery worker (in a thread) consumes from the configured broker.

In CI the broker is Redis (REDIS_URL); on a laptop without it, the embedded
filesystem broker. The task runs in the worker's own thread and database
connection, so the test uses a transactional database.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import clear_expired_sessions
from config.celery import app as celery_app

from ..utils import wait_until


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

    assert wait_until(lambda: not Session.objects.filter(pk=expired.session_key).exists())
    assert Session.objects.filter(pk=live.session_key).exists()


def test_tasks_are_routed_to_their_queues():
    routes = celery_app.amqp.router
    assert routes.route({}, "privacy.tasks.build_export")["queue"].name == "privacy"
    assert routes.route({}, "recruiters.tasks.send_packet")["queue"].name == "packets"
    assert routes.route({}, "accounts.tasks.clear_expired_sessions")["queue"].name == "default"


def test_celery_is_configured_for_safe_delivery():
    conf = celery_app.conf
    assert conf.task_serializer == "json"
    assert list(conf.accept_content) == ["json"]  # Celery's default, JSON only
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
