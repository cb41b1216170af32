"""Community pages: fixed query counts whatever the data, and nothing written on a GET."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .builders import city, comment_by, thread_by

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _writes(queries: CaptureQueriesContext) -> list[str]:
    sql = (q["sql"].lstrip().upper() for q in queries.captured_queries)
    return [s for s in sql if s.startswith(WRITES)]


def _world(seeker, other_seeker, *, threads: int, comments: int) -> int:
    leeds = city("Leeds")
    first = None
    for n in range(threads):
        author = seeker if n % 2 else other_seeker
        thread = thread_by(author, title=f"Thread {n}", place=leeds if n % 3 else None)
        first = first or thread
    for n in range(comments):
        comment_by(seeker if n % 2 else other_seeker, first, f"Comment {n}")
    return first.pk


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    client.get("/dashboard/")  # the first request of a session records it
    return client


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_list_and_a_thread_cost_the_same_queries_with_more_data(
    seeker, other_seeker, signed_in, django_assert_max_num_queries, settings
):
    client = _signed_in(seeker) if signed_in else Client()
    first = _world(seeker, other_seeker, threads=3, comments=3)
    leeds = city("Leeds")
    paths = ["/community/", f"/community/{first}/", f"/community/?place={leeds.pk}"]
    small = {}
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        small[path] = len(queries)
    _world(seeker, other_seeker, threads=45, comments=120)
    for path in paths:
        limit = 6 if signed_in else 4
        with django_assert_max_num_queries(limit), CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        assert len(queries) == small[path], path
    assert len(client.get("/community/").context["threads"]) == 20  # a page at a time


def test_reading_community_pages_writes_nothing(seeker, other_seeker):
    first = _world(seeker, other_seeker, threads=3, comments=3)
    for client in (Client(), _signed_in(seeker)):
        for path in ("/community/", f"/community/{first}/", "/community/new/",
                     f"/community/{first}/report/", "/privacy/cookies/"):  # fmt: skip
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code in (200, 302), path
            assert _writes(queries) == [], path
