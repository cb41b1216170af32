"""Ranking recruiters for a seeker: pairs never crossed, tiers, reasons in words, who never
appears, fixed queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from recruiters import directory, matching
from recruiters.models import Coverage, Delivery, Recruiter
from taxonomy.models import OccupationTitle

from ..utils import run_outbox
from . import builders as b

pytestmark = pytest.mark.django_db


def _ranked(seeker) -> list[matching.Match]:
    return matching.rank_matches(matching.targets_of(seeker), seeker=seeker, limit=100).matches


def _names(seeker) -> list[str]:
    return [m.recruiter.name for m in _ranked(seeker)]


@pytest.fixture
def lawyer_in_london(seeker):
    return b.ready_seeker(seeker, occupations=[b.occupation("2611")], places=[b.city("London")])


def test_same_unit_group_and_city_rank_first_then_weaker_fits(lawyer_in_london):
    lawyers, judges = b.occupation("2611"), b.occupation("2612")
    london, croydon, manchester = b.city("London"), b.city("Croydon"), b.city("Manchester")
    b.recruiter(name="Remote lawyers", occupations=[lawyers], places=[b.remote()])
    b.recruiter(name="Judges in London", occupations=[judges], places=[london])
    b.recruiter(name="Lawyers in Manchester", occupations=[lawyers], places=[manchester])
    b.recruiter(name="Lawyers across the UK", occupations=[lawyers], places=[b.country("GB")])
    b.recruiter(name="Lawyers in Croydon", occupations=[lawyers], places=[croydon])
    b.recruiter(name="Lawyers in London", occupations=[lawyers], places=[london])
    b.recruiter(name="Lawyers in Paris", occupations=[lawyers], places=[b.city("Paris")])
    b.recruiter(name="Nurses in London", occupations=[b.occupation("2221")], places=[london])

    # Recruiters who place lawyers only in Manchester or Paris cannot place this seeker in
    # London; judges are not lawyers, unless the seeker asks for related roles; nurses are
    # another field.
    assert _names(lawyer_in_london) == [
        "Lawyers in London",
        "Lawyers in Croydon",
        "Lawyers across the UK",
        "Remote lawyers",
    ]
    b.ready_seeker(lawyer_in_london, related=True)
    assert _names(lawyer_in_london) == [
        "Lawyers in London",
        "Lawyers in Croydon",
        "Lawyers across the UK",
        "Remote lawyers",
        "Judges in London",
    ]


def test_targets_are_pairs_never_crossed(seeker):
    lawyers, developers = b.occupation("2611"), b.occupation("2512")
    london, paris = b.city("London"), b.city("Paris")
    b.ready_seeker(seeker, pairs=[(lawyers, london), (developers, paris)])
    b.recruiter(name="Lawyers in London", occupations=[lawyers], places=[london])
    b.recruiter(name="Developers in Paris", occupations=[developers], places=[paris])
    b.recruiter(name="Lawyers in Paris", occupations=[lawyers], places=[paris])
    b.recruiter(name="Developers in Lyon", occupations=[developers], places=[b.city("Lyon")])
    b.recruiter(name="Developers in London", occupations=[developers], places=[london])
    b.recruiter(name="Developers across France", occupations=[developers], places=[b.country("FR")])

    targets = matching.targets_of(seeker)
    assert targets.labels == [
        "Lawyers in London, United Kingdom",
        "Software developers in Paris, France",
    ]
    ranked = {m.recruiter.name: m for m in _ranked(seeker)}
    # Lawyers in Paris and developers in London are the crossed pairs: no match.
    assert set(ranked) == {"Lawyers in London", "Developers in Paris", "Developers across France"}
    assert ranked["Lawyers in London"].summary == "Recruits for Lawyers in London"
    assert ranked["Developers in Paris"].summary == "Recruits for Software developers in Paris"
    assert (ranked["Developers across France"].role, ranked["Developers across France"].place) == (
        "Software developers",
        "Paris",
    )


def test_reasons_are_in_words(lawyer_in_london):
    lawyers, judges = b.occupation("2611"), b.occupation("2612")
    b.ready_seeker(lawyer_in_london, related=True)
    b.recruiter(name="A", occupations=[lawyers], places=[b.city("London")])
    b.recruiter(name="B", occupations=[lawyers], places=[b.city("Croydon")])
    b.recruiter(name="C", occupations=[judges], places=[b.country("GB")])
    b.recruiter(name="D", occupations=[lawyers], places=[b.city("Manchester"), b.country("GB")])
    b.recruiter(name="E", occupations=[lawyers], places=[b.remote()])

    summaries = {m.recruiter.name: (m.summary, m.role, m.place) for m in _ranked(lawyer_in_london)}
    assert summaries["A"] == ("Recruits for Lawyers in London", "Lawyers", "London")
    summary, _, place = summaries["B"]
    assert summary.startswith("Recruits for Lawyers in Croydon, ") and "km from London" in summary
    assert place == "London"
    # The recruiter's classification is never named: the seeker's own words are.
    assert summaries["C"][0] == "Recruits for roles related to Lawyers across the United Kingdom"
    assert summaries["D"][0] == "Recruits for Lawyers across the United Kingdom"
    assert summaries["E"][0] == "Recruits for Lawyers in remote roles"


def test_reasons_use_the_title_the_seeker_chose(seeker):
    lawyers, london = b.occupation("2611"), b.city("London")
    solicitor = OccupationTitle.objects.get(occupation=lawyers, normalised="solicitor")
    b.ready_seeker(seeker, pairs=[(lawyers, london)])
    seeker.profile.targets.update(title=solicitor)
    b.recruiter(name="A", occupations=[lawyers], places=[london])
    (match,) = _ranked(seeker)
    assert (match.summary, match.role, match.target) == (
        "Recruits for Solicitor in London",
        "Solicitor",
        "Solicitor in London",
    )


def test_remote_matches_both_ways(seeker):
    lawyers = b.occupation("2611")
    b.ready_seeker(seeker, occupations=[lawyers], places=[b.remote()])
    b.recruiter(name="Remote", occupations=[lawyers], places=[b.remote()])
    b.recruiter(name="London only", occupations=[lawyers], places=[b.city("London")])
    ranked = _ranked(seeker)
    assert [m.recruiter.name for m in ranked] == ["Remote"]
    assert ranked[0].place_tier == matching.PLACE_SAME
    assert ranked[0].place == "Remote"


def test_a_country_target_matches_the_cities_in_it(seeker):
    lawyers = b.occupation("2611")
    b.ready_seeker(seeker, occupations=[lawyers], places=[b.country("FR")])
    b.recruiter(name="Lyon", occupations=[lawyers], places=[b.city("Lyon")])
    b.recruiter(name="France", occupations=[lawyers], places=[b.country("FR")])
    b.recruiter(name="London", occupations=[lawyers], places=[b.city("London")])
    ranked = _ranked(seeker)
    assert [m.recruiter.name for m in ranked] == ["France", "Lyon"]
    assert ranked[1].summary == "Recruits for Lawyers in Lyon, France"


def test_nearby_crosses_borders_and_stops_at_the_distance(seeker, settings):
    lawyers = b.occupation("2611")
    b.ready_seeker(seeker, occupations=[lawyers], places=[b.city("Geneva")])
    b.recruiter(name="Annemasse", occupations=[lawyers], places=[b.city("Annemasse")])
    b.recruiter(name="Lyon", occupations=[lawyers], places=[b.city("Lyon")])  # ~110 km
    ranked = _ranked(seeker)
    assert [m.recruiter.name for m in ranked] == ["Annemasse"]
    assert ranked[0].place_tier == matching.PLACE_NEARBY
    assert "km from Geneva" in ranked[0].summary

    settings.RECRUITERS_NEARBY_KM = 5
    assert _ranked(seeker) == []


def test_secondary_signals_break_ties_and_are_explained(lawyer_in_london):
    lawyers, london = b.occupation("2611"), b.city("London")
    b.recruiter(name="Plain", occupations=[lawyers], places=[london])
    b.recruiter(
        name="Specialist",
        occupations=[lawyers],
        places=[london],
        seniority_levels=["senior", "lead"],
        languages=["French"],
        keywords=["M&A", "Due diligence"],
    )
    b.recruiter(
        name="Senior only", occupations=[lawyers], places=[london], seniority_levels=["senior"]
    )
    ranked = _ranked(lawyer_in_london)
    assert [m.recruiter.name for m in ranked] == ["Specialist", "Senior only", "Plain"]
    details = ranked[0].details
    assert "Works with senior candidates" in details
    assert "Works in French" in details
    # "M&A" is in the seeker's skills, "due diligence" only in their CV text.
    assert any(
        d.startswith("Specialises in ") and "M&A" in d and "Due diligence" in d for d in details
    )
    assert ranked[2].details == []


def test_opted_out_inactive_and_frozen_recruiters_never_appear(lawyer_in_london):
    lawyers, london = b.occupation("2611"), b.city("London")
    opted = b.recruiter(name="Opted out", occupations=[lawyers], places=[london])
    inactive = b.recruiter(name="Inactive", occupations=[lawyers], places=[london], active=False)
    frozen = b.recruiter(name="Frozen", occupations=[lawyers], places=[london])
    b.recruiter(name="Reachable", occupations=[lawyers], places=[london])
    directory.opt_out_recruiter(recruiter_id=opted.pk)
    frozen.frozen_at = timezone.now()
    frozen.save()
    directory.recruiter_changed(recruiter=frozen)

    assert _names(lawyer_in_london) == ["Reachable"]
    assert not Coverage.objects.filter(recruiter__in=[opted, inactive, frozen]).exists()
    # Imported again (even as active): an address that opted out stays out.
    b.recruiter(name="Opted out", email=opted.email, occupations=[lawyers], places=[london])
    assert Recruiter.objects.get(pk=opted.pk).opted_out_at is not None
    assert _names(lawyer_in_london) == ["Reachable"]


def test_recruiters_sent_to_in_the_last_180_days_are_shown_as_such(lawyer_in_london, settings):
    from recruiters import sending

    lawyers, london = b.occupation("2611"), b.city("London")
    sent = b.recruiter(name="Sent", occupations=[lawyers], places=[london])
    b.recruiter(name="Fresh", occupations=[lawyers], places=[london])
    plan = sending.plan_send(seeker=lawyer_in_london, recruiter_ids=[sent.pk])
    sending.confirm_send(
        seeker=lawyer_in_london,
        recruiter_ids=[sent.pk],
        include_contact=False,
        consent_given=True,
        digest=plan.digest,
    )
    by_name = {m.recruiter.name: m for m in _ranked(lawyer_in_london)}
    assert not by_name["Sent"].can_send and by_name["Sent"].last_sent_at is not None
    assert by_name["Fresh"].can_send

    run_outbox()  # delivered...
    assert Delivery.objects.get(recruiter=sent).state == Delivery.State.SENT
    assert not {m.recruiter.name: m.can_send for m in _ranked(lawyer_in_london)}["Sent"]
    # ...181 days ago: it no longer counts.
    long_ago = timezone.now() - timedelta(days=181)
    Delivery.objects.filter(recruiter=sent).update(created_at=long_ago, sent_at=long_ago)
    assert {m.recruiter.name: m.can_send for m in _ranked(lawyer_in_london)}["Sent"]


def test_the_matches_page_runs_the_same_queries_whatever_the_directory_size(
    lawyer_in_london, seeker_client, django_assert_num_queries, settings
):
    lawyers, judges, london = b.occupation("2611"), b.occupation("2612"), b.city("London")
    for _n in range(3):
        b.recruiter(occupations=[lawyers], places=[london, b.remote()])
    seeker_client.get("/recruiters/matches/")  # warm the caches, as any visit does
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # a full log (9,000 entries) would hide new queries
    with CaptureQueriesContext(connection) as few:
        small = seeker_client.get("/recruiters/matches/")
    for _n in range(60):
        b.recruiter(occupations=[lawyers, judges], places=[london, b.city("Croydon")])
    count = len(few.captured_queries)  # read now: it is a view of the live log
    writes = [
        q["sql"]
        for q in few.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert count > 5 and writes == []
    connection.queries_log.clear()
    with django_assert_num_queries(count):
        large = seeker_client.get("/recruiters/matches/")
    assert small.status_code == large.status_code == 200
    assert large.content.count(b'name="r"') == 50  # one page
    assert b"More matches" in large.content


def test_matches_page_explains_what_is_missing(seeker_client, seeker):
    response = seeker_client.get("/recruiters/matches/")
    assert response.status_code == 200
    assert "open to recruiters" in response.content.decode()


def test_count_covering_counts_reachable_recruiters(db):
    lawyers, london = b.occupation("2611"), b.city("London")
    b.recruiter(occupations=[lawyers], places=[london])
    b.recruiter(occupations=[lawyers], places=[b.city("Croydon")])
    gone = b.recruiter(occupations=[lawyers], places=[london])
    directory.opt_out_recruiter(recruiter_id=gone.pk)
    assert matching.count_covering(occupation=lawyers, place=london) == 2


def test_pages_read_worse_places_only_when_better_ones_do_not_fill_them(lawyer_in_london):
    lawyers, london = b.occupation("2611"), b.city("London")
    for place in [london] * 3 + [b.city("Croydon")] * 2 + [b.country("GB")] * 2 + [b.remote()]:
        b.recruiter(occupations=[lawyers], places=[place])
    targets = matching.targets_of(lawyer_in_london)
    everyone = [m.recruiter.pk for m in _ranked(lawyer_in_london)]
    assert len(everyone) == 8

    pages = [
        matching.rank_matches(targets, seeker=lawyer_in_london, limit=2, offset=offset)
        for offset in range(0, 8, 2)
    ]
    assert [m.recruiter.pk for page in pages for m in page.matches] == everyone
    assert [page.has_more for page in pages] == [True, True, True, False]
    # Nearby cities, the whole country and Remote are each read only while the better
    # places found fewer recruiters than the page needs (in London, the first page's three).
    sql, _ = matching.ranking_statement(targets, seeker_id=lawyer_in_london.pk, limit=3)
    assert sql.count("WHERE (SELECT COUNT(DISTINCT recruiter_id)") == 3
