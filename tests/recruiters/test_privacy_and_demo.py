"""Sends in the seeker's privacy rights (export, deletion, freeze), the registry, the demo."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.test import Client

from billing import ledger
from privacy.registry.coverage import coverage_problems
from privacy.registry.declarations import declaration_for
from privacy.rights.deletion import cancel_deletion, request_deletion
from recruiters import demo, matching
from recruiters.models import Coverage, Delivery, PacketLink, Recruiter, Send

from ..utils import run_outbox
from . import builders as b
from .builders import send_to, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_and_waiting(seeker):
    b.ready_seeker(seeker)
    lawyers, london = b.occupation("2611"), b.city("London")
    alex = b.recruiter(name="Alex Carter", occupations=[lawyers], places=[london])
    jordan = b.recruiter(name="Jordan Lee", occupations=[lawyers], places=[london])
    sent = send_to(seeker, alex)
    waiting = send_to(seeker, jordan, deliver=False)
    return sent, waiting, token_for(alex)


def test_a_frozen_account_sends_nothing_more_and_its_packets_close_until_it_thaws(
    seeker, sent_and_waiting, django_capture_on_commit_callbacks
):
    _sent, waiting, token = sent_and_waiting
    assert ledger.balance(user=seeker) == 8
    with django_capture_on_commit_callbacks(execute=True):
        request_deletion(user=seeker)

    waiting.refresh_from_db()
    assert waiting.state == "failed" and "delete your account" in waiting.failure
    assert ledger.balance(user=seeker) == 9  # the waiting send came back
    run_outbox()
    assert len([m for m in mail.outbox if m.to == [waiting.recruiter.email]]) == 0
    during = Client().get(f"/p/{token}/")
    # Not "closed" nor "gone": the seeker may cancel, and the packet comes back.
    assert during.status_code == 404
    assert "not available at the moment" in during.content.decode()
    assert "closed" not in during.content.decode() and "no longer" not in during.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        cancel_deletion(user=seeker)
    assert Client().get(f"/p/{token}/").status_code == 200


def test_the_seekers_export_shows_what_was_sent_to_whom_under_which_consent(
    seeker, other_seeker, sent_and_waiting
):
    b.ready_seeker(other_seeker)
    sends = declaration_for(Send).export(seeker)
    deliveries = declaration_for(Delivery).export(seeker)
    assert len(sends) == 2 and "Alex Carter" in sends[0]["consent"]
    assert sends[0]["what_was_shared"]["name"] == "Sam Seeker"
    by_name = {d["recruiter"].split(",")[0]: d for d in deliveries}
    assert by_name["Alex Carter"]["status"] == "Sent" and by_name["Alex Carter"]["sent_at"]
    assert by_name["Jordan Lee"]["status"] == "Queued"
    assert declaration_for(Delivery).export(other_seeker) == []
    assert coverage_problems([Recruiter, Coverage, Send, Delivery, PacketLink]) == []


def test_the_registry_finds_no_person_in_the_directory_by_seeker(seeker, sent_and_waiting):
    # Recruiters are found by email (staff), never through a seeker's account.
    assert list(declaration_for(Recruiter).rows_for(seeker)) == []


def test_the_demo_directory_is_realistic_and_loads_once(settings, seeker, staff):
    settings.RECRUITERS_DEMO_COUNT = 200
    b.ready_seeker(seeker, places=[b.city("London"), b.remote()])
    out = io.StringIO()
    demo.load(seeker=seeker, staff=staff, stdout=out)
    demo.load(seeker=seeker, staff=staff, stdout=out)
    assert "already there" in out.getvalue()
    recruiters = Recruiter.objects.all()
    assert 200 <= recruiters.count() <= 210
    assert all(r.email.endswith(".example") for r in recruiters)
    assert Coverage.objects.exists()
    assert recruiters.values("agency").distinct().count() > 100
    page = matching.rank_matches(matching.targets_of(seeker), seeker=seeker)
    assert len(page.matches) >= 4  # the demo's lawyers in London, Croydon, the UK, remote
    tiers = {m.place_tier for m in page.matches}
    assert {matching.PLACE_SAME, matching.PLACE_NEARBY, matching.PLACE_COUNTRY} <= tiers
