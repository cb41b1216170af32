"""§2.7 "to track performance": anonymous page timings, written in the background, a chart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.utils import wait_until
from usage import perf
from usage.models import BUCKET_FIELDS, PageTiming
from usage.services import purge_old_timings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_tally():
    perf.recorder.take()
    yield
    perf.recorder.take()


def test_requests_are_counted_per_view_and_hour_without_writing_during_the_request(
    client, seeker_client
):
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get("/community/").status_code == 200
        seeker_client.get("/privacy/cookies/")
    assert not [q for q in queries.captured_queries if "usage_pagetiming" in q["sql"]]
    assert perf.flush() == 2

    community = PageTiming.objects.get(view_name="community:list")
    assert community.requests == 3 and community.errors == 0
    assert community.total_ms > 0 and community.max_ms <= community.total_ms
    assert sum(getattr(community, name) for name in BUCKET_FIELDS) == 3
    assert community.hour == timezone.now().replace(minute=0, second=0, microsecond=0)
    assert PageTiming.objects.get(view_name="privacy:cookies").requests == 1


def test_a_second_write_adds_to_the_same_row(client):
    client.get("/community/")
    perf.flush()
    client.get("/community/")
    client.get("/community/")
    perf.flush()
    assert PageTiming.objects.get(view_name="community:list").requests == 3


def test_nothing_about_the_person_is_kept(seeker_client, seeker):
    seeker_client.get("/community/", HTTP_USER_AGENT="Firefox/125.0", REMOTE_ADDR="203.0.113.7")
    perf.flush()
    names = {f.name for f in PageTiming._meta.get_fields()}
    assert names == {"id", "view_name", "hour", "requests", "errors", "total_ms", "max_ms",
                     *BUCKET_FIELDS}  # fmt: skip
    row = PageTiming.objects.values().get()
    text = " ".join(str(v) for v in row.values())
    for trace in (seeker.email, seeker.name, "203.0.113", "Firefox", "/community/"):
        assert trace not in text


def test_unknown_addresses_are_not_counted_and_failures_count_as_errors(client, rf):
    client.get("/no-such-page/")
    assert perf.recorder.pending() == 0

    from django.http import HttpResponse
    from django.urls import resolve

    request = rf.get("/community/")
    request.resolver_match = resolve("/community/")
    middleware = perf.PageTimingMiddleware(lambda r: HttpResponse(status=503))
    assert middleware(request).status_code == 503
    perf.flush()
    row = PageTiming.objects.get()
    assert (row.view_name, row.requests, row.errors) == ("community:list", 1, 1)


def test_measuring_can_be_turned_off(settings, client):
    settings.USAGE_TIMINGS = False
    client.get("/community/")
    assert perf.recorder.pending() == 0


@pytest.mark.django_db(transaction=True)
def test_a_background_thread_writes_the_tally_every_interval(settings, client):
    settings.USAGE_TIMINGS_FLUSH_SECONDS = 0.05
    try:
        client.get("/community/")  # the first measured request starts the writer
        assert wait_until(lambda: PageTiming.objects.filter(requests=1).exists(), timeout=10)
        client.get("/community/")
        assert wait_until(lambda: PageTiming.objects.filter(requests=2).exists(), timeout=10)
    finally:
        perf.recorder.stop()


def test_old_timings_are_deleted(settings):
    old = timezone.now() - timedelta(days=settings.USAGE_TIMINGS_KEEP_DAYS + 1)
    PageTiming.objects.create(view_name="home", hour=old.replace(minute=0, second=0, microsecond=0))
    PageTiming.objects.create(
        view_name="home", hour=timezone.now().replace(minute=0, second=0, microsecond=0)
    )
    assert purge_old_timings() == 1
    assert PageTiming.objects.count() == 1


def test_staff_see_a_chart_of_timings_per_hour(staff_with_mfa, client):
    for _ in range(4):
        client.get("/community/")
    client.get("/privacy/cookies/")
    perf.flush()
    staff = Client()
    staff.force_login(staff_with_mfa)
    page = staff.get("/admin/usage/pagetiming/").content.decode()
    assert '<svg class="timing-chart"' in page and "<script" not in page.split("<svg", 1)[1]
    assert "community:list" in page and "privacy:cookies" in page
    assert page.count('class="average"') == 24  # one bar per hour of the day
    one = staff.get("/admin/usage/pagetiming/?view=community:list&period=7d").content.decode()
    assert "4 requests" in one
    assert staff.get("/admin/usage/pagetiming/?period=nonsense").status_code == 200


def test_people_cannot_see_the_timings(seeker_client):
    response = seeker_client.get("/admin/usage/pagetiming/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
