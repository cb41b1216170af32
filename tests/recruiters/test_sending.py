"""Choosing recruiters, the consent screen, confirming a send, revoking, the report."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from billing import ledger
from jobletters.models import OutboxEntry
from privacy.models import Consent, Disclosure, PolicyVersion
from profiles import services as profile_services
from recruiters import sending
from recruiters.models import Delivery, Send

from ..utils import run_outbox
from . import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(seeker):
    b.ready_seeker(seeker, sends=3)
    lawyers, london = b.occupation("2611"), b.city("London")
    alex = b.recruiter(
        name="Alex Carter", agency="Harper Legal", occupations=[lawyers], places=[london]
    )
    jordan = b.recruiter(
        name="Jordan Lee", agency="Northbridge", occupations=[lawyers], places=[b.city("Croydon")]
    )
    return seeker, alex, jordan


def _digest(response) -> str:
    return re.search(r'name="digest" value="([0-9a-f]{64})"', response.content.decode()).group(1)


def _confirm(client, ids, digest, *, consent=True, contact=False):
    data = {
        "r": [str(i) for i in ids],
        "digest": digest,
        "include_contact": "1" if contact else "0",
    }
    if consent:
        data["consent"] = "on"
    return client.post("/recruiters/send/", data)


def test_the_consent_screen_shows_exactly_what_each_recruiter_gets(setup, seeker_client):
    seeker, alex, jordan = setup
    page = seeker_client.get(f"/recruiters/send/?r={alex.pk}&r={jordan.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    # Plain words naming every recipient, in an unticked box.
    plan = sending.plan_send(seeker=seeker, recruiter_ids=[alex.pk, jordan.pk])
    # ...each with the target it was chosen for: a job in a place.
    assert (
        "Alex Carter, Harper Legal (for Lawyers in London); "
        "Jordan Lee, Northbridge (for Lawyers in London)" in plan.consent_text
    )
    assert plan.consent_text in html.replace("&#x27;", "'")
    box = re.search(r'<input type="checkbox" name="consent"[^>]*>', html).group(0)
    assert "checked" not in box
    # The email each will receive, from the email's own template, and the packet page:
    # one body (the first recruiter's), and each recipient's subject.
    assert "Candidate for Lawyers in London: Sam Seeker" in html
    assert html.count('class="email-frame"') == 1 and "Hello Alex Carter," in html
    assert "The others get the same email, greeting each by name" in html
    assert "To Jordan Lee, Northbridge: “Candidate for Lawyers in London: Sam Seeker”" in html
    assert "I advise technology companies on <strong>M&amp;A</strong>" in html
    assert "Commercial lawyer, 8 years" in html and "seeker@example.com" in html
    assert "“Sam CV.pdf”" in html
    # Never the §2.1 address or phone unless asked for.
    assert "12 Example Row" not in html and "7946" not in html
    assert "not included" in html

    with_contact = seeker_client.get(f"/recruiters/send/?r={alex.pk}&contact=1").content.decode()
    assert "12 Example Row" in with_contact and "+44 20 7946 0958" in with_contact
    assert "postal address and phone number" in with_contact


def test_no_consent_means_nothing_is_sent_and_no_send_is_used(setup, seeker_client):
    seeker, alex, _ = setup
    digest = _digest(seeker_client.get(f"/recruiters/send/?r={alex.pk}"))

    response = _confirm(seeker_client, [alex.pk], digest, consent=False)

    assert response.status_code == 200
    assert "Tick the box to agree" in response.content.decode()
    assert not Send.objects.exists() and not Delivery.objects.exists()
    assert not Consent.objects.filter(purpose=Consent.Purpose.SHARE_WITH_RECRUITERS).exists()
    assert not OutboxEntry.objects.filter(kind="recruiters.deliver_packet").exists()
    assert ledger.balance(user=seeker) == 3
    run_outbox()
    assert mail.outbox == []
    with pytest.raises(sending.SendRefused):
        sending.confirm_send(
            seeker=seeker, recruiter_ids=[alex.pk], include_contact=False,
            consent_given=False, digest=digest,
        )  # fmt: skip


def test_a_confirmed_send_records_consent_then_each_packet_leaves_with_its_disclosure(
    setup, seeker_client
):
    seeker, alex, jordan = setup
    digest = _digest(seeker_client.get(f"/recruiters/send/?r={alex.pk}&r={jordan.pk}"))

    response = _confirm(seeker_client, [alex.pk, jordan.pk], digest)

    send = Send.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#send-{send.pk}")
    consent = send.consent
    assert consent.person == seeker and consent.granted
    assert consent.purpose == Consent.Purpose.SHARE_WITH_RECRUITERS
    assert consent.policy_version == PolicyVersion.objects.current()
    assert "Alex Carter, Harper Legal" in consent.text and "Jordan Lee" in consent.text
    assert [r["name"] for r in consent.recipients] == ["Alex Carter", "Jordan Lee"]
    assert consent.data_categories == [
        "name",
        "email address",
        "professional profile",
        "job letter",
        "CV",
    ]
    assert send.snapshot["contact"] is None
    deliveries = list(send.deliveries.order_by("pk"))
    assert [d.state for d in deliveries] == ["queued", "queued"]
    assert all(d.consent_id == consent.pk for d in deliveries)
    assert ledger.balance(user=seeker) == 1  # two sends held
    assert not Disclosure.objects.exists()  # nothing has left yet

    run_outbox()

    assert len(mail.outbox) == 2
    for delivery in send.deliveries.all():
        assert delivery.state == Delivery.State.SENT and delivery.sent_at
        disclosure = delivery.disclosure
        assert disclosure.reference == f"delivery:{delivery.pk}"
        assert disclosure.consent == consent and disclosure.person == seeker
        assert disclosure.recipient_name == delivery.recipient_name
        assert disclosure.data_categories == consent.data_categories
        assert not ledger.is_held(reservation_id=delivery.reservation_id)
    assert ledger.balance(user=seeker) == 1  # two sends used
    message = next(m for m in mail.outbox if m.to == [alex.email])
    assert message.subject == "Candidate for Lawyers in London: Sam Seeker"
    assert message.reply_to == ["seeker@example.com"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<http://[^>]+/recruiters/opt-out/[^>]+/>", message.extra_headers["List-Unsubscribe"]
    )
    assert message.extra_headers["Message-ID"] == Delivery.objects.get(recruiter=alex).message_id


def test_what_changed_since_the_seeker_looked_is_not_sent(setup, seeker_client):
    seeker, alex, _ = setup
    digest = _digest(seeker_client.get(f"/recruiters/send/?r={alex.pk}"))
    profile_services.update_job_letter(user=seeker, text="A different letter")

    response = _confirm(seeker_client, [alex.pk], digest)

    assert "Something changed since you looked" in response.content.decode()
    assert not Send.objects.exists() and ledger.balance(user=seeker) == 3


def test_not_enough_sends_blocks_the_send(setup, seeker_client):
    seeker, alex, jordan = setup
    third = b.recruiter(occupations=[b.occupation("2611")], places=[b.city("London")])
    fourth = b.recruiter(occupations=[b.occupation("2611")], places=[b.city("London")])
    ids = [alex.pk, jordan.pk, third.pk, fourth.pk]
    page = seeker_client.get("/recruiters/send/?" + "&".join(f"r={i}" for i in ids))
    assert "This send needs 4 sends; you have 3." in page.content.decode()
    assert 'name="consent"' not in page.content.decode()
    plan = sending.plan_send(seeker=seeker, recruiter_ids=ids)
    with pytest.raises(sending.SendRefused):
        sending.confirm_send(
            seeker=seeker, recruiter_ids=ids, include_contact=False,
            consent_given=True, digest=plan.digest,
        )  # fmt: skip
    assert not Send.objects.exists() and not Consent.objects.exists()


def test_a_recruiter_cannot_be_sent_the_same_packet_twice_within_180_days(setup, seeker_client):
    seeker, alex, jordan = setup
    _confirm(seeker_client, [alex.pk], _digest(seeker_client.get(f"/recruiters/send/?r={alex.pk}")))

    page = seeker_client.get(f"/recruiters/send/?r={alex.pk}&r={jordan.pk}").content.decode()
    assert "Alex Carter, Harper Legal already has your packet" in page
    plan = sending.plan_send(seeker=seeker, recruiter_ids=[alex.pk, jordan.pk])
    assert [m.recruiter.pk for m in plan.matches] == [jordan.pk]
    # Posting the old choice again (a second tab, a replay) changes nothing.
    response = _confirm(seeker_client, [alex.pk], plan.digest)
    assert response.status_code == 302 and response["Location"] == "/recruiters/matches/"
    assert Delivery.objects.filter(recruiter=alex).count() == 1


def test_the_top_n_are_chosen_for_the_seeker(setup, seeker_client):
    _, alex, jordan = setup
    page = seeker_client.get("/recruiters/send/?top=1").content.decode()
    assert f'name="r" value="{alex.pk}"' in page and f'name="r" value="{jordan.pk}"' not in page
    for junk in ("?top=abc", "?top=-5", "?top=100000"):
        assert seeker_client.get("/recruiters/send/" + junk).status_code == 200
    # Nobody chosen: no consent screen, back to the matches.
    response = seeker_client.get("/recruiters/send/?r=x&r=99999999999999999999")
    assert response.status_code == 302 and response["Location"] == "/recruiters/matches/"


def test_contact_details_go_only_when_ticked(setup, seeker_client):
    _seeker, alex, _jordan = setup
    digest = _digest(seeker_client.get(f"/recruiters/send/?r={alex.pk}&contact=1"))
    _confirm(seeker_client, [alex.pk], digest, contact=True)
    send = Send.objects.get()
    assert send.include_contact
    assert send.snapshot["contact"] == {
        "address": ["12 Example Row", "EC1A 1AA London", "United Kingdom"],
        "phone": "+44 20 7946 0958",
    }
    assert send.consent.data_categories[-2:] == ["postal address", "phone number"]


def test_a_packet_revoked_before_it_leaves_is_never_sent_and_its_send_comes_back(
    setup, seeker_client
):
    seeker, alex, _ = setup
    _confirm(seeker_client, [alex.pk], _digest(seeker_client.get(f"/recruiters/send/?r={alex.pk}")))
    delivery = Delivery.objects.get()
    assert ledger.balance(user=seeker) == 2

    response = seeker_client.post(f"/recruiters/sends/{delivery.pk}/revoke/")

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.REVOKED and delivery.revoked_at
    assert ledger.balance(user=seeker) == 3
    run_outbox()
    assert mail.outbox == [] and not Disclosure.objects.exists()
    # Revoked once is enough.
    seeker_client.post(f"/recruiters/sends/{delivery.pk}/revoke/")
    assert ledger.balance(user=seeker) == 3


def test_another_seeker_cannot_see_or_revoke_my_sends(setup, seeker_client, other_seeker_client):
    _, alex, _ = setup
    _confirm(seeker_client, [alex.pk], _digest(seeker_client.get(f"/recruiters/send/?r={alex.pk}")))
    delivery = Delivery.objects.get()

    assert "Alex Carter" not in other_seeker_client.get("/recruiters/sends/").content.decode()
    assert other_seeker_client.post(f"/recruiters/sends/{delivery.pk}/revoke/").status_code == 404
    assert other_seeker_client.get(f"/recruiters/sends/{delivery.pk}/revoke/").status_code == 405
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.QUEUED
    assert "Alex Carter" in seeker_client.get("/recruiters/sends/").content.decode()


def test_pages_need_a_signed_in_seeker(client, db):
    for path in ("/recruiters/matches/", "/recruiters/send/", "/recruiters/sends/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post("/recruiters/sends/1/revoke/").status_code == 302


def test_the_report_is_a_timeline_in_a_fixed_number_of_queries(
    setup, seeker_client, django_assert_num_queries, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seeker, alex, _jordan = setup
    _confirm(seeker_client, [alex.pk], _digest(seeker_client.get(f"/recruiters/send/?r={alex.pk}")))
    run_outbox()
    seeker_client.get("/recruiters/sends/")
    connection.queries_log.clear()  # a full log (9,000 entries) would hide new queries
    with CaptureQueriesContext(connection) as one:
        page = seeker_client.get("/recruiters/sends/").content.decode()
    count = len(one.captured_queries)  # read now: it is a view of the live log
    assert count > 0
    assert "Queued" in page and "Sent" in page and "Revoke" in page
    b.ready_cv(seeker)  # more sends need more sends
    ledger.grant_complimentary_sends(user=seeker, sends=5, staff=b._granter(), reason="More")
    for _ in range(4):
        extra = b.recruiter(occupations=[b.occupation("2611")], places=[b.city("London")])
        _confirm(
            seeker_client, [extra.pk], _digest(seeker_client.get(f"/recruiters/send/?r={extra.pk}"))
        )
    connection.queries_log.clear()
    with django_assert_num_queries(count):
        assert seeker_client.get("/recruiters/sends/").status_code == 200


def test_dashboard_panel_summarises_sends(setup, seeker_client):
    _, alex, _ = setup
    assert "You have not sent your packet" in seeker_client.get("/dashboard/").content.decode()
    _confirm(seeker_client, [alex.pk], _digest(seeker_client.get(f"/recruiters/send/?r={alex.pk}")))
    run_outbox()
    panel = seeker_client.get("/dashboard/").content.decode()
    assert "<strong>1</strong> packet sent" in panel


def test_the_panel_counts_are_what_the_orm_counts(setup, seeker_client, other_seeker):
    from django.db.models import Count, Q
    from django.utils import timezone

    from recruiters.dashboard import counts_for

    seeker, alex, jordan = setup
    assert counts_for(seeker.pk) == dict.fromkeys(counts_for(seeker.pk), 0)
    page = seeker_client.get(f"/recruiters/send/?r={alex.pk}&r={jordan.pk}")
    _confirm(seeker_client, [alex.pk, jordan.pk], _digest(page))
    run_outbox()
    Delivery.objects.filter(recruiter=alex).update(
        opened_at=timezone.now(), downloaded_at=timezone.now()
    )
    Delivery.objects.filter(recruiter=jordan).update(state=Delivery.State.FAILED, sent_at=None)
    expected = Delivery.objects.filter(seeker=seeker).aggregate(
        total=Count("pk"),
        waiting=Count("pk", filter=Q(state__in=Delivery.IN_FLIGHT)),
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        downloaded=Count("pk", filter=Q(downloaded_at__isnull=False)),
        failed=Count("pk", filter=Q(state=Delivery.State.FAILED)),
    )
    assert counts_for(seeker.pk) == expected
    assert expected["total"] == 2 and expected["failed"] == 1 and expected["opened"] == 1
    assert counts_for(other_seeker.pk)["total"] == 0
    html = seeker_client.get("/dashboard/").content.decode()
    assert "<strong>1</strong> could not be delivered" in html
