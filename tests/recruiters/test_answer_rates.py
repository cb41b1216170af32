"""How recruiters treat packets: staff see open and answer rates, and matching ranks the
recruiters who answer above those who never open, saying how fast they usually answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from recruiters import matching, rates
from recruiters.models import ANSWERS, NEVER_OPENS, NO_RECORD, Coverage, Recruiter
from tests.factories import UserFactory

from . import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def lawyer_in_london(seeker):
    return b.ready_seeker(seeker, occupations=[b.occupation("2611")], places=[b.city("London")])


def _ranked(seeker) -> list[matching.Match]:
    return matching.rank_matches(matching.targets_of(seeker), seeker=seeker, limit=100).matches


def _tiers(recruiter: Recruiter) -> set[int]:
    return set(
        Coverage.objects.filter(recruiter=recruiter).values_list("responsiveness", flat=True)
    )


def test_recruiters_who_answer_rank_above_those_who_never_open(lawyer_in_london):
    lawyers, london = b.occupation("2611"), b.city("London")
    # Ranked by id when nothing else tells them apart: the silent one comes first today.
    silent = b.recruiter(name="Silent", occupations=[lawyers], places=[london])
    b.recruiter(name="New", occupations=[lawyers], places=[london])
    answers = b.recruiter(name="Answers", occupations=[lawyers], places=[london])
    quick = b.recruiter(name="Answers once", occupations=[lawyers], places=[london])
    assert _ranked(lawyer_in_london)[0].recruiter.name == "Silent"

    now = timezone.now()
    for days_to_answer in (1.5, 2.5, 4):
        sent = now - timedelta(days=10)
        b.packet(UserFactory(), silent, sent_at=sent)
        b.packet(
            UserFactory(),
            answers,
            sent_at=sent,
            opened_at=sent + timedelta(hours=3),
            answered_at=sent + timedelta(days=days_to_answer),
        )
    b.packet(UserFactory(), quick, sent_at=now, answered_at=now + timedelta(hours=1))
    assert rates.refresh_rates() == 3

    ranked = _ranked(lawyer_in_london)
    assert [m.recruiter.name for m in ranked] == ["Answers", "Answers once", "New", "Silent"]
    # The median first answer took 2.5 days; one answer alone is no "usually".
    assert ranked[0].details[0] == "Usually answers within 3 days"
    assert not any(d.startswith("Usually") for m in ranked[1:] for d in m.details)
    assert _tiers(answers) == {ANSWERS} and _tiers(silent) == {NEVER_OPENS}
    answers.refresh_from_db()
    assert (answers.packets_received, answers.packets_opened, answers.packets_answered) == (3, 3, 3)
    assert answers.answer_days == 3


def test_rates_are_recounted_from_what_is_still_there(lawyer_in_london):
    lawyers, london = b.occupation("2611"), b.city("London")
    silent = b.recruiter(name="Silent", occupations=[lawyers], places=[london])
    senders = [UserFactory() for _ in range(3)]
    for sender in senders:
        b.packet(sender, silent, sent_at=timezone.now() - timedelta(days=8))
    rates.refresh_rates()
    assert _tiers(silent) == {NEVER_OPENS}
    assert rates.refresh_rates() == 0  # nothing changed, nothing written

    # An erased seeker's packets go with them: the count follows at the next recount,
    # and a recruiter's index rows rewritten meanwhile keep their place.
    senders[0].delete()
    b.recruiter(name="Silent", email=silent.email, occupations=[lawyers], places=[london])
    assert _tiers(silent) == {NEVER_OPENS}
    assert rates.refresh_rates() == 1
    silent.refresh_from_db()
    assert (silent.packets_received, silent.packets_opened, silent.answer_days) == (2, 0, None)
    assert _tiers(silent) == {NO_RECORD}


def test_staff_see_open_and_answer_rates(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    recruiter = b.recruiter(name="Rita", occupations=[b.occupation("2611")], places=[b.remote()])
    now = timezone.now()
    b.packet(UserFactory(), recruiter, sent_at=now, opened_at=now, answered_at=now)
    b.packet(UserFactory(), recruiter, sent_at=now, opened_at=now)
    b.packet(UserFactory(), recruiter, sent_at=now)
    b.packet(UserFactory(), recruiter, sent_at=now)
    rates.refresh_rates()

    listing = client.get("/admin/recruiters/recruiter/").content.decode()
    assert "50% (2/4)" in listing and "25% (1/4)" in listing
    page = client.get(f"/admin/recruiters/recruiter/{recruiter.pk}/change/")
    assert "median days to the first answer" in page.content.decode().lower()
