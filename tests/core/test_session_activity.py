"""A session's "last seen" is written at most once per interval, not on every page view."""

from __future__ import annotations

import time

import pytest
from allauth.usersessions.models import UserSession
from allauth.usersessions.signals import session_client_changed
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

WRITES = ("INSERT", "UPDATE", "DELETE")


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith(WRITES)]


def _session_row(client) -> UserSession:
    return UserSession.objects.get(session_key=client.session.session_key)


def test_allauths_per_request_tracker_is_replaced():
    assert "allauth.usersessions.middleware.UserSessionsMiddleware" not in settings.MIDDLEWARE
    assert "jobletters.session_activity.SessionActivityMiddleware" in settings.MIDDLEWARE
    # The sessions page keeps its "last seen" column.
    assert settings.USERSESSIONS_TRACK_ACTIVITY is True


def test_first_request_records_the_session_then_reads_write_nothing(seeker_client):
    seeker_client.get("/dashboard/", HTTP_USER_AGENT="Firefox")
    row = _session_row(seeker_client)
    assert row.user_agent == "Firefox"
    first_seen = row.last_seen_at

    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert seeker_client.get("/dashboard/", HTTP_USER_AGENT="Firefox").status_code == 200
    assert _writes(queries) == []
    assert _session_row(seeker_client).last_seen_at == first_seen


def test_last_seen_moves_on_once_the_interval_has_passed(seeker_client, settings):
    settings.USERSESSIONS_ACTIVITY_INTERVAL = 1
    seeker_client.get("/dashboard/")
    first_seen = _session_row(seeker_client).last_seen_at
    time.sleep(1.1)
    seeker_client.get("/dashboard/")
    assert _session_row(seeker_client).last_seen_at > first_seen


def test_a_new_address_or_browser_is_recorded_at_once(seeker_client):
    changes = []

    def on_change(sender, from_session, to_session, **kwargs):
        changes.append((from_session.ip, to_session.ip, to_session.user_agent))

    session_client_changed.connect(on_change)
    try:
        seeker_client.get("/dashboard/", REMOTE_ADDR="192.0.2.1", HTTP_USER_AGENT="Firefox")
        seeker_client.get("/dashboard/", REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Firefox")
        seeker_client.get("/dashboard/", REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Safari")
    finally:
        session_client_changed.disconnect(on_change)
    row = _session_row(seeker_client)
    assert (row.ip, row.user_agent) == ("198.51.100.7", "Safari")
    assert changes == [
        ("192.0.2.1", "198.51.100.7", "Firefox"),
        ("198.51.100.7", "198.51.100.7", "Safari"),
    ]


def test_the_cache_holds_no_address_or_session_key(seeker_client, monkeypatch):
    keys: list[str] = []
    real_add = cache.add

    def add(key, *args, **kwargs):
        keys.append(key)
        return real_add(key, *args, **kwargs)

    monkeypatch.setattr(cache, "add", add)
    seeker_client.get("/dashboard/", REMOTE_ADDR="192.0.2.1")
    session_key = seeker_client.session.session_key
    seen = [key for key in keys if key.startswith("usersession-seen:")]
    assert len(seen) == 1
    for key in keys:
        assert session_key not in key
        assert "192.0.2.1" not in key


def test_anonymous_visitors_are_not_tracked(client, db):
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert queries.captured_queries == []
    assert not UserSession.objects.exists()


def test_without_the_cache_pages_still_load_and_nothing_is_written(seeker_client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache went away")

    monkeypatch.setattr(cache, "add", broken)
    with CaptureQueriesContext(connection) as queries:
        assert seeker_client.get("/dashboard/").status_code == 200
    assert _writes(queries) == []


@pytest.mark.django_db
def test_the_sessions_page_shows_when_each_session_was_last_seen(client, seeker, password):
    assert (
        client.post("/accounts/login/", {"login": seeker.email, "password": password}).status_code
        == 302
    )
    response = client.get("/accounts/sessions/")
    assert response.status_code == 200
    assert b"Last seen" in response.content
    assert UserSession.objects.filter(user=seeker).count() == 1
