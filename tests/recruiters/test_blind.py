"""Blind sends: the recruiter sees the letter and a summary, asks for an introduction, and
only the seeker's yes releases the rest, to that recruiter alone, with its records."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache

from privacy.models import Consent, Disclosure
from recruiters import sending
from recruiters.models import Delivery, Introduction

from ..utils import run_outbox
from . import builders as b

pytestmark = pytest.mark.django_db

# Whatever says who the seeker is (ready_seeker's and the seeker fixture's details).
IDENTIFYING = ("Sam Seeker", "seeker@example.com", "+44", "20 7946", "12 Example Row", "/cv/")


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def blind(seeker):
    b.ready_seeker(seeker)
    seeker.profile.job_letter = "Dear recruiter,\n\nI advise technology companies on M&A."
    seeker.profile.save(update_fields=["job_letter"])
    london, lawyers = b.city("London"), b.occupation("2611")
    alex = b.recruiter(name="Alex Carter", occupations=[lawyers], places=[london])
    jordan = b.recruiter(name="Jordan Lee", occupations=[lawyers], places=[london])
    ids = [alex.pk, jordan.pk]
    plan = sending.plan_send(seeker=seeker, recruiter_ids=ids, include_contact=True, blind=True)
    send = sending.confirm_send(
        seeker=seeker, recruiter_ids=ids, include_contact=True, consent_given=True,
        digest=plan.digest, blind=True,
    )  # fmt: skip
    run_outbox()
    deliveries = {d.recruiter_id: d for d in send.deliveries.all()}
    return (
        send,
        (deliveries[alex.pk], b.token_for(alex)),
        (deliveries[jordan.pk], b.token_for(jordan)),
    )


def _reveals(text: str) -> list[str]:
    return [word for word in IDENTIFYING if word in text]


def test_the_consent_says_what_each_step_shares(blind):
    send, _, _ = blind
    text = send.consent.text
    assert "sends my professional profile and job letter" in text
    assert "Blind send" in text
    assert re.search(
        r"only if I accept it is my name, email address, CV \(.*\), postal address "
        r"and phone number shared with that recruiter alone",
        text,
    )
    assert send.consent.data_categories == ["professional profile", "job letter"]


def test_the_email_and_page_say_nothing_of_who_the_seeker_is(blind, client):
    _, (alex_delivery, token), _ = blind
    email = next(m for m in mail.outbox if m.to == [alex_delivery.recruiter.email])
    html = email.alternatives[0][0]
    assert _reveals(email.subject + email.body + html) == []
    assert email.reply_to == []
    page = client.get(f"/p/{token}/")
    assert page.status_code == 200 and _reveals(page.content.decode()) == []
    assert "asks them for an introduction" in page.content.decode()
    assert client.get(f"/p/{token}/cv/").status_code == 404
    disclosure = Disclosure.objects.get(reference=f"delivery:{alex_delivery.pk}")
    assert disclosure.data_categories == ["professional profile", "job letter"]


def test_accepting_an_introduction_releases_the_packet_to_that_recruiter_only(
    blind, client, seeker_client
):
    _, (alex_delivery, alex_token), (_, jordan_token) = blind
    client.post(f"/p/{alex_token}/answer/", {"kind": "interested", "message": "Keen to talk."})
    assert Introduction.objects.get(delivery=alex_delivery).decision == "pending"
    run_outbox()
    told = next(m for m in mail.outbox if m.to == ["seeker@example.com"])
    assert "They ask for an introduction" in told.body
    assert "alex" not in told.body.split("Keen to talk.")[1].lower().split("http")[0]

    report = seeker_client.get("/recruiters/sends/").content.decode()
    assert "asks for an introduction" in report and "Accept and introduce me" in report
    response = seeker_client.post(
        f"/recruiters/sends/{alex_delivery.pk}/introduction/", {"decision": "accept"}
    )
    assert response.status_code == 302
    introduction = Introduction.objects.get(delivery=alex_delivery)
    assert introduction.accepted and introduction.decided_at
    assert introduction.consent.text.startswith("I accept the request of Alex Carter")
    assert introduction.disclosure.data_categories == [
        "name", "email address", "CV", "postal address", "phone number",
    ]  # fmt: skip

    page = client.get(f"/p/{alex_token}/").content.decode()
    assert "Sam Seeker" in page and "seeker@example.com" in page and "12 Example Row" in page
    assert client.get(f"/p/{alex_token}/cv/").status_code == 200
    assert _reveals(client.get(f"/p/{jordan_token}/").content.decode()) == []
    assert client.get(f"/p/{jordan_token}/cv/").status_code == 404

    run_outbox()
    (introduced,) = [m for m in mail.outbox if "Introduction accepted" in m.subject]
    assert introduced.to == [alex_delivery.recruiter.email]
    assert "Sam Seeker" in introduced.body and introduced.reply_to == ["seeker@example.com"]
    # Decided once.
    again = seeker_client.post(
        f"/recruiters/sends/{alex_delivery.pk}/introduction/", {"decision": "decline"}
    )
    assert again.status_code == 302 and Introduction.objects.get(pk=introduction.pk).accepted


def test_declining_reveals_nothing(blind, client, seeker_client):
    _, (alex_delivery, alex_token), _ = blind
    client.post(f"/p/{alex_token}/answer/", {"kind": "interested"})
    seeker_client.post(
        f"/recruiters/sends/{alex_delivery.pk}/introduction/", {"decision": "decline"}
    )
    introduction = Introduction.objects.get(delivery=alex_delivery)
    assert introduction.decision == "declined" and introduction.disclosure is None
    page = client.get(f"/p/{alex_token}/").content.decode()
    assert _reveals(page) == [] and "chose not to share their details" in page
    assert client.get(f"/p/{alex_token}/cv/").status_code == 404
    assert not Disclosure.objects.filter(reference__startswith="introduction:").exists()
    assert not Consent.objects.filter(reference__startswith="introduction:").exists()
    run_outbox()
    assert not [m for m in mail.outbox if "Introduction accepted" in m.subject]


def test_another_seeker_cannot_decide_and_junk_is_refused(
    blind, client, other_seeker_client, seeker_client
):
    _, (alex_delivery, alex_token), (jordan_delivery, _) = blind
    client.post(f"/p/{alex_token}/answer/", {"kind": "interested"})
    path = f"/recruiters/sends/{alex_delivery.pk}/introduction/"
    assert other_seeker_client.post(path, {"decision": "accept"}).status_code == 404
    assert seeker_client.post(path, {"decision": "maybe"}).status_code == 302
    # No request, nothing to decide.
    jordan_path = f"/recruiters/sends/{jordan_delivery.pk}/introduction/"
    assert seeker_client.post(jordan_path, {"decision": "accept"}).status_code == 404
    assert Introduction.objects.get(delivery=alex_delivery).decision == "pending"
    assert Delivery.objects.filter(introduction__isnull=False).count() == 1
