"""A recruiter's own page: what the directory holds, the packets they received (only what
was disclosed to them), correcting it, and being removed (only the suppression stays)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache

from recruiters import sending
from recruiters.directory import email_hash
from recruiters.models import Coverage, PacketAccess, Recruiter, Suppression
from recruiters.packets import opt_out_token

from ..utils import run_outbox
from . import builders as b

pytestmark = pytest.mark.django_db

OWN = re.compile(r"https?://[^\s\"]+/recruiters/me/[^\s\"/]+/")


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def listed(seeker, other_seeker):
    london, lawyers = b.city("London"), b.occupation("2611")
    alex = b.recruiter(name="Alex Carter", agency="Harper Legal", email="alex@harper.example",
                       occupations=[lawyers], places=[london])  # fmt: skip
    b.ready_seeker(seeker)
    b.send_to(seeker, alex)
    b.ready_seeker(other_seeker)
    ids = [alex.pk]
    plan = sending.plan_send(seeker=other_seeker, recruiter_ids=ids, blind=True)
    sending.confirm_send(seeker=other_seeker, recruiter_ids=ids, include_contact=False,
                         consent_given=True, digest=plan.digest, blind=True)  # fmt: skip
    run_outbox()
    email = next(m for m in mail.outbox if m.to == [alex.email])
    return alex, OWN.search(email.body).group(0), b.token_for(alex)


def test_every_packet_email_and_page_links_to_the_recruiters_own_page(listed, client):
    alex, _, token = listed
    packet_emails = [m for m in mail.outbox if m.to == [alex.email]]
    assert len(packet_emails) == 2
    for email in packet_emails:
        assert "Why you received this" in email.body and OWN.search(email.body)
        assert OWN.search(email.alternatives[0][0])
    page = client.get(f"/p/{token}/").content.decode()
    assert "Why you see this: our directory lists you as a recruiter who recruits for" in page
    link = OWN.search(page).group(0).split("/recruiters/me/")[1]
    assert "alex@harper.example" in client.get(f"/recruiters/me/{link}").content.decode()


def test_the_page_shows_the_entry_and_only_what_was_disclosed(listed, client):
    _, own, _ = listed
    response = client.get(own)
    page = response.content.decode()
    assert response.status_code == 200 and "Set-Cookie" not in response
    assert "alex@harper.example" in page and "Harper Legal" in page and "London" in page
    # The named send shows who; the blind one does not.
    assert "Sam Seeker" in page
    assert "Olive Other" not in page and "a candidate who has not shared their name" in page
    assert "other@example.com" not in page and "seeker@example.com" not in page


def test_a_recruiter_corrects_their_details(listed, client):
    alex, own, _ = listed
    response = client.post(own, {"name": "Alexandra Carter", "agency": "Harper & Co",
                                 "website": "harper.example"})  # fmt: skip
    assert response.status_code == 302
    alex.refresh_from_db()
    assert (alex.name, alex.agency, alex.website) == (
        "Alexandra Carter", "Harper & Co", "https://harper.example",
    )  # fmt: skip
    assert Coverage.objects.filter(recruiter=alex).exists()
    bad = client.post(own, {"name": "Alex\u202eevil", "agency": "", "website": "ftp://x.example"})
    assert bad.status_code == 400
    assert "cannot be shown (U+202E)" in bad.content.decode()
    alex.refresh_from_db()
    assert alex.name == "Alexandra Carter"


def test_a_recruiter_asks_to_be_removed_and_only_the_suppression_stays(listed, client, seeker):
    _, own, token = listed
    client.get(f"/p/{token}/")
    response = client.post(own, {"action": "remove"})
    assert response.status_code == 200 and "removed from our directory" in response.content.decode()
    assert not Recruiter.objects.filter(email="alex@harper.example").exists()
    assert Suppression.objects.filter(email_hash=email_hash("alex@harper.example")).exists()
    assert not Coverage.objects.exists() and not PacketAccess.objects.exists()
    assert client.get(f"/p/{token}/").status_code == 410
    assert client.get(own).status_code == 410
    # Imported again, they stay out.
    back = b.recruiter(email="alex@harper.example", occupations=[b.occupation("2611")],
                       places=[b.city("London")])  # fmt: skip
    assert back.opted_out_at is not None


def test_forged_or_other_tokens_open_nothing(listed, client):
    alex, own, _ = listed
    assert client.get("/recruiters/me/nonsense/").status_code == 404
    assert client.get(own[:-3] + "xx/").status_code == 404
    assert client.get(f"/recruiters/me/{opt_out_token(alex.pk)}/").status_code == 404
