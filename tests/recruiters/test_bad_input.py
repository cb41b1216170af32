"""Odd methods and garbage on every recruiter URL: a 4xx or a normal page, never a 500;
the seeker's pages read without writing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from . import builders as b

pytestmark = pytest.mark.django_db

PATHS = [
    "/recruiters/matches/",
    "/recruiters/matches/?page=-1",
    "/recruiters/matches/?page=99999999999999999999",
    "/recruiters/send/",
    "/recruiters/send/?r=1&r=x&r=-3&top=zz&contact=%00",
    "/recruiters/send/?" + "&".join(f"r={i}" for i in range(500)),
    "/recruiters/sends/",
    "/recruiters/sends/?page=abc",
    "/recruiters/sends/999999/revoke/",
    "/recruiters/opt-out/garbage/",
    "/recruiters/opt-out/%00%ff/",
    "/p/" + "A" * 43 + "/",
    "/p/" + "A" * 43 + "/cv/",
    "/p/%00/cv/",
]
GARBAGE = {"r": ["x", "99999999999999999999", "-1"], "digest": "\x00" * 64, "consent": "on"}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("who", ["anonymous", "seeker"])
@pytest.mark.parametrize("method", ["get", "post", "put", "delete", "head"])
def test_no_recruiter_url_answers_500(client, seeker, path, who, method):
    if who == "seeker":
        b.ready_seeker(seeker, sends=1)
        client.force_login(seeker)
    response = client.post(path, GARBAGE) if method == "post" else getattr(client, method)(path)
    assert response.status_code < 500, (method, path, response.status_code)


def test_a_garbage_send_changes_nothing(seeker, seeker_client):
    b.ready_seeker(seeker, sends=1)
    alex = b.recruiter(occupations=[b.occupation("2611")], places=[b.city("London")])
    for data, status in (
        ({"r": str(alex.pk), "digest": "z" * 64, "consent": "on"}, 200),
        ({"r": str(alex.pk), "digest": "0" * 64, "consent": "on"}, 200),
        # Nobody to send to: back to the matches, saying why.
        ({"r": "", "digest": "0" * 64, "consent": "on"}, 302),
        ({"r": str(alex.pk), "blind": "yes please"}, 200),
        ({"r": str(alex.pk)}, 200),
    ):
        assert seeker_client.post("/recruiters/send/", data).status_code == status
    from recruiters.models import Send

    assert not Send.objects.exists()


@pytest.mark.parametrize(
    "path", ["/recruiters/matches/", "/recruiters/send/?top=3", "/recruiters/sends/", "/dashboard/"]
)
def test_seeker_pages_read_without_writing(seeker, seeker_client, path):
    b.ready_seeker(seeker)
    b.recruiter(occupations=[b.occupation("2611")], places=[b.city("London")])
    seeker_client.get(path)  # warm caches, as any earlier visit would
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        assert seeker_client.get(path).status_code == 200
        writes = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "REPLACE"))
        ]
    assert writes == []
