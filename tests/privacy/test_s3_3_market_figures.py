"""§3.3 aggregates on the matches page, the landing page's count and the statistics
export: how recruiters for a role and place answer, shown only when at least 10 people
stand behind a figure (the seekers who sent and the recruiters who received), else "not
enough data yet". Pages read the figures as last recounted (hourly)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from privacy.accountability.aggregates import K
from recruiters import statistics
from recruiters.models import MarketFigures
from recruiters.tasks import refresh_market_figures
from tests.factories import UserFactory
from tests.recruiters import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def lawyer_in_london(seeker):
    return b.ready_seeker(seeker, occupations=[b.occupation("2611")], places=[b.city("London")])


def _market(people: int, *, recruiters: int | None = None) -> list:
    """``people`` seekers, each with one packet 10 days ago to one of ``recruiters``
    recruiters of lawyers in London (as many as seekers by default): the first half
    opened within a day, every second one answered after 30 hours."""
    lawyers, london = b.occupation("2611"), b.city("London")
    listed = [
        b.recruiter(occupations=[lawyers], places=[london]) for _ in range(recruiters or people)
    ]
    sent = timezone.now() - timedelta(days=10)
    for n in range(people):
        b.packet(
            UserFactory(),
            listed[n % len(listed)],
            sent_at=sent,
            opened_at=sent + timedelta(hours=5) if n < people // 2 else None,
            answered_at=sent + timedelta(hours=30) if n % 2 == 0 else None,
        )
    return listed


def _pair():
    return (b.occupation("2611").pk, b.city("London").pk)


def _released() -> statistics.Market:
    """The pair's figures after the hourly recount."""
    statistics.refresh_markets()
    return statistics.markets([_pair()])[_pair()]


def test_s3_3_nine_people_show_nothing(lawyer_in_london, seeker_client):
    _market(K - 1)
    assert _released() == statistics.Market()
    html = seeker_client.get("/recruiters/matches/").content.decode()
    section = html[html.index('id="market-heading"') :]
    assert section.count("not enough data yet") == 4


def test_s3_3_ten_people_show_every_figure(lawyer_in_london, seeker_client):
    _market(K)
    market = _released()
    # Five answered packets stand for five seekers: their median time stays hidden.
    assert market == statistics.Market(recruiters=K, opened_share=50, answered_share=50)

    _market(2 * K)  # ten more recruiters, twenty more seekers: ten answered packets
    market = _released()
    assert market == statistics.Market(
        recruiters=3 * K, opened_share=50, answered_share=50, median_hours=30
    )
    html = seeker_client.get("/recruiters/matches/").content.decode()
    section = html[html.index('id="market-heading"') :]
    assert "not enough data yet" not in section
    assert "30 hours" in section and "50%" in section


def test_s3_3_ten_seekers_to_nine_recruiters_stay_hidden(lawyer_in_london):
    # The packet figures describe nine recruiters' habits: fewer than K, not shown; the
    # directory's ten recruiters of lawyers in London are.
    lawyers, london = b.occupation("2611"), b.city("London")
    _market(K, recruiters=K - 1)
    assert _released().opened_share is None
    b.recruiter(occupations=[lawyers], places=[london])
    assert _released().recruiters == K


def test_s3_3_the_landing_count_says_the_same(client):
    _market(2 * K)
    statistics.refresh_markets()
    url = f"/recruiters/coverage/?occupation={_pair()[0]}&place={_pair()[1]}"
    answer = client.get(url).json()
    assert answer["count"] == 2 * K
    assert answer["market"] == {
        "recruiters": 2 * K,
        "opened_share": 50,
        "answered_share": 50,
        "median_hours": 30,
    }


def test_s3_3_the_kept_figures_hold_nothing_under_k(lawyer_in_london):
    lawyers, london, paris = b.occupation("2611"), b.city("London"), b.city("Paris")
    _market(K, recruiters=K - 1)  # nine recruiters' packets: not shown
    b.recruiter(occupations=[lawyers], places=[paris])  # one recruiter: not shown
    statistics.refresh_markets()
    assert list(MarketFigures.objects.values_list("place", flat=True)) == []
    b.recruiter(occupations=[lawyers], places=[london])
    assert statistics.refresh_markets() == 1
    kept = MarketFigures.objects.get()
    assert (kept.occupation, kept.place, kept.recruiters) == (lawyers, london, K)
    assert kept.opened_share is kept.answered_share is kept.median_hours is None


def test_s3_3_pages_show_the_last_recount_until_the_next(lawyer_in_london, seeker_client, settings):
    _market(K)
    statistics.refresh_markets()
    _market(2 * K)  # twenty more: the page still says what was counted
    section = seeker_client.get("/recruiters/matches/").content.decode()
    assert "30 hours" not in section
    schedule = settings.CELERY_BEAT_SCHEDULE["recruiters-market-figures"]
    assert schedule["task"] == "recruiters.tasks.refresh_market_figures"
    refresh_market_figures()
    html = seeker_client.get("/recruiters/matches/").content.decode()
    assert "30 hours" in html[html.index('id="market-heading"') :]


def test_s3_3_export_statistics_writes_the_same_figures(tmp_path):
    _market(2 * K)
    b.recruiter(occupations=[b.occupation("2611")], places=[b.city("Paris")])  # one: left out
    call_command("export_statistics", "--out", str(tmp_path))
    packets = (tmp_path / "packets-by-role-and-place.csv").read_text().splitlines()
    assert packets[0] == (
        "occupation,place_id,place,people,seekers,recruiters,packets,opened_within_7_days,answered"
    )
    assert packets[1].startswith("2611,") and packets[1].endswith(",20,20,20,20,10,10")
    answers = (tmp_path / "first-answers-by-role-and-place.csv").read_text().splitlines()
    assert answers[1].endswith(",10,30")
    recruiters = (tmp_path / "recruiters-by-role-and-place.csv").read_text()
    assert "Paris" not in recruiters and ",20\n" in recruiters
