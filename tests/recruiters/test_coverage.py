"""The landing page's count: how many recruiters cover a role and a place (a number,
never names), from its own cacheable, rate-limited endpoint."""

from __future__ import annotations

import json

import pytest

from recruiters import directory
from taxonomy.models import OccupationTitle

from . import builders as b

URL = "/recruiters/coverage/"
# Two recruiters and no packets: nothing about the market may be shown yet.
NOT_ENOUGH = {
    "recruiters": None,
    "opened_share": None,
    "answered_share": None,
    "median_hours": None,
}


@pytest.fixture
def london_lawyers(db):
    lawyers, london = b.occupation("2611"), b.city("London")
    first = b.recruiter(occupations=[lawyers], places=[london], name="Ada Placer")
    b.recruiter(occupations=[lawyers], places=[london], name="Bea Finder")
    gone = b.recruiter(occupations=[lawyers], places=[london], name="Cy Gone")
    directory.opt_out_recruiter(recruiter_id=gone.pk)
    return lawyers, london, first


def test_anyone_sees_how_many_recruiters_cover_a_role_and_place(client, london_lawyers):
    lawyers, london, _ = london_lawyers
    response = client.get(URL, {"occupation": lawyers.pk, "place": london.pk})
    assert response.status_code == 200
    assert response.json() == {"count": 2, "market": NOT_ENOUGH}
    body = response.content.decode()
    assert "Ada" not in body and "Placer" not in body and "@" not in body  # never names
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert not response.cookies


def test_the_chosen_title_value_counts_for_its_occupation(client, london_lawyers):
    lawyers, london, _ = london_lawyers
    solicitor = OccupationTitle.objects.get(occupation=lawyers, normalised="solicitor")
    response = client.get(URL, {"occupation": f"{lawyers.pk}.{solicitor.pk}", "place": london.pk})
    assert response.json() == {"count": 2, "market": NOT_ENOUGH}


def test_a_place_nobody_covers_counts_zero(client, london_lawyers):
    lawyers, _, _ = london_lawyers
    response = client.get(URL, {"occupation": lawyers.pk, "place": b.city("Sydney").pk})
    assert response.json() == {"count": 0, "market": NOT_ENOUGH}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"occupation": "1"},
        {"place": "1"},
        {"occupation": "abc", "place": "1"},
        {"occupation": "1", "place": "-1"},
        {"occupation": "1", "place": "9" * 40},
        {"occupation": "1.x", "place": "1"},
        {"occupation": "999999999", "place": "1"},
        {"occupation": "1", "place": "999999999"},
        {"occupation": "1\x00", "place": "1"},
    ],
)
def test_bad_input_is_a_400_with_a_message(client, db, params):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert json.loads(response.content)["error"]
    assert "no-store" in response["Cache-Control"]


def test_only_get(client, db):
    assert client.post(URL, {"occupation": "1", "place": "1"}).status_code == 405


def test_each_address_is_rate_limited(client, settings, london_lawyers):
    settings.RECRUITERS_COVERAGE_RATE_LIMIT = "3/m/ip"
    lawyers, london, _ = london_lawyers
    params = {"occupation": lawyers.pk, "place": london.pk}
    assert [client.get(URL, params).status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get(URL, params)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert "no-store" in limited["Cache-Control"]
    assert "Too many requests" in limited.json()["error"]
    # Another address is not held back.
    assert client.get(URL, params, REMOTE_ADDR="203.0.113.9").status_code == 200


def test_the_count_is_kept_for_a_few_minutes(client, london_lawyers, django_assert_num_queries):
    lawyers, london, _ = london_lawyers
    params = {"occupation": lawyers.pk, "place": london.pk}
    client.get(URL, params)
    # Again: the two look-ups of the choices, not the count.
    with django_assert_num_queries(2):
        assert client.get(URL, params).json() == {"count": 2, "market": NOT_ENOUGH}


def test_the_landing_page_stays_the_same_for_everyone_and_asks_the_endpoint(client, db):
    response = client.get("/")
    page = response.content.decode()
    assert 'data-coverage-url="/recruiters/coverage/"' in page
    assert 'id="coverage" aria-labelledby="coverage-heading" hidden' in page
    assert "js/coverage-count.js" in page
    assert "<script>" not in page  # no inline script (CSP)
    assert "public" in response["Cache-Control"]
