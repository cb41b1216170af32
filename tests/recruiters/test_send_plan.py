"""The plan the consent screen shows: whom it sends to, what stops it (in words the seeker
can act on), the consent's exact words, and what saying yes records."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from billing import ledger
from billing.models import Reservation
from jobletters.models import OutboxEntry
from recruiters import sending
from recruiters.models import Delivery

from . import builders as b

pytestmark = pytest.mark.django_db

NO_CONTACT = {
    "address_line1": "",
    "address_line2": "",
    "city": "",
    "postal_code": "",
    "country": "",
    "phone": "",
}


@pytest.fixture
def alex():
    return b.recruiter(
        name="Alex Carter",
        agency="Harper Legal",
        occupations=[b.occupation("2611")],
        places=[b.city("London")],
    )


def _lawyer(**extra):
    return b.recruiter(occupations=[b.occupation("2611")], places=[b.city("London")], **extra)


def _day(moment) -> str:
    """A date as the page writes it: "8 December 2026"."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B} {local.year}"


def test_recruiter_ids_from_a_form_keep_their_order_and_drop_junk():
    values = ["7", "x", "3", "7", "", "0", "-1", "2.5", str(2**63), str(2**63 - 1), "1"]
    assert sending.parse_ids(values) == [7, 3, 2**63 - 1, 1]


def test_a_flood_of_ids_is_read_only_up_to_four_sends_worth(settings):
    settings.RECRUITERS_MAX_PER_SEND = 3
    assert sending.parse_ids([str(n) for n in range(1, 100)]) == list(range(1, 13))
    # Junk counts towards the bound: what comes after it is not read.
    assert sending.parse_ids(["x"] * 12 + ["5"]) == []


@pytest.mark.parametrize(
    ("value", "top"),
    [(None, None), ("3", 3), ("1", 1), ("0", 1), ("-5", 1), ("abc", 1), ("", 1), ("26", 25)],
)
def test_how_many_best_matches_to_choose_stays_between_one_and_the_limit(value, top, settings):
    settings.RECRUITERS_MAX_PER_SEND = 25
    assert sending.parse_top(value) == top


@pytest.mark.parametrize("chosen", [{"top": 3}, {"recruiter_ids": [1, 2]}])
def test_a_seeker_who_is_not_ready_is_told_each_step_and_nothing_else(seeker, chosen):
    plan = sending.plan_send(seeker=seeker, **chosen)
    assert plan.problems == [
        "Choose what you are looking for and where in your profile, and turn on "
        "“open to recruiters”.",
        "Write your job letter first: it is what recruiters read.",
        "Upload a CV first (it is sent once it has passed its check).",
    ]
    assert plan.left_out == [] and plan.matches == []
    assert not plan.can_send and plan.consent_text == ""


def test_a_ready_seeker_who_chose_nobody_is_asked_to_choose(seeker, alex):
    b.ready_seeker(seeker, sends=1)
    assert sending.plan_send(seeker=seeker).problems == [
        "Choose at least one recruiter from your matches."
    ]
    assert sending.plan_send(seeker=seeker, recruiter_ids=[alex.pk]).problems == []


def test_contact_details_cannot_be_included_when_the_profile_has_none(seeker, alex):
    b.ready_seeker(seeker, sends=1, contact=NO_CONTACT)
    without = sending.plan_send(seeker=seeker, recruiter_ids=[alex.pk])
    assert without.problems == [] and not without.contact_available

    plan = sending.plan_send(seeker=seeker, recruiter_ids=[alex.pk], include_contact=True)
    assert plan.problems == ["You have no postal address or phone in your profile to include."]
    assert not plan.contact_available


def test_a_profile_with_contact_details_can_include_them(seeker, alex):
    b.ready_seeker(seeker, sends=1)
    plan = sending.plan_send(seeker=seeker, recruiter_ids=[alex.pk])
    assert plan.contact_available and plan.problems == []


def test_more_recruiters_than_one_send_takes_are_refused_and_only_the_first_are_planned(
    seeker, settings
):
    settings.RECRUITERS_MAX_PER_SEND = 2
    b.ready_seeker(seeker, sends=5)
    first, second, third = _lawyer(), _lawyer(), _lawyer()
    plan = sending.plan_send(seeker=seeker, recruiter_ids=[first.pk, second.pk, third.pk])
    assert plan.problems == ["Choose at most 2 recruiters in one send."]
    assert [m.recruiter.pk for m in plan.matches] == [first.pk, second.pk]
    # As many as one send takes is fine.
    assert sending.plan_send(seeker=seeker, recruiter_ids=[first.pk, third.pk]).problems == []


def test_the_best_matches_are_never_more_than_one_send_takes(seeker, settings):
    settings.RECRUITERS_MAX_PER_SEND = 2
    b.ready_seeker(seeker, sends=5)
    for _ in range(4):
        _lawyer()
    assert len(sending.plan_send(seeker=seeker, top=5).matches) == 2
    assert len(sending.plan_send(seeker=seeker, top=1).matches) == 1


def test_the_best_matches_leave_out_recruiters_sent_to_recently(seeker, alex):
    b.ready_seeker(seeker, sends=5)
    jordan = _lawyer(name="Jordan Lee")
    b.send_to(seeker, alex)
    plan = sending.plan_send(seeker=seeker, top=2)
    assert [m.recruiter.pk for m in plan.matches] == [jordan.pk]


def test_chosen_recruiters_who_are_gone_are_counted_in_words(seeker, alex):
    b.ready_seeker(seeker, sends=5)
    elsewhere = b.recruiter(occupations=[b.occupation("2512")], places=[b.city("Sydney")])
    plan = sending.plan_send(seeker=seeker, recruiter_ids=[alex.pk, elsewhere.pk, 99999])
    assert [m.recruiter.pk for m in plan.matches] == [alex.pk]
    assert plan.left_out == [
        "2 of the recruiters you chose no longer match your targets or no longer receive packets."
    ]
    assert plan.problems == []


def test_a_recruiter_sent_to_recently_is_left_out_with_the_day_they_can_be_sent_again(seeker, alex):
    b.ready_seeker(seeker, sends=5)
    jordan = _lawyer(name="Jordan Lee")
    delivery = b.send_to(seeker, alex)
    sent = timezone.now() - timedelta(days=10)
    Delivery.objects.filter(pk=delivery.pk).update(created_at=sent, sent_at=sent)

    plan = sending.plan_send(seeker=seeker, recruiter_ids=[alex.pk, jordan.pk])

    assert [m.recruiter.pk for m in plan.matches] == [jordan.pk]
    assert plan.left_out == [
        f"Alex Carter, Harper Legal already has your packet (sent {_day(sent)}); you can "
        f"send to them again after {_day(sent + timedelta(days=180))}."
    ]


def test_a_send_needs_one_send_per_recruiter(seeker, alex):
    b.ready_seeker(seeker, sends=0)
    plan = sending.plan_send(seeker=seeker, recruiter_ids=[alex.pk])
    assert plan.problems == ["This send needs 1 send; you have 0."]
    assert plan.balance == 0
    ledger.grant_complimentary_sends(user=seeker, sends=1, staff=b._granter(), reason="One")
    assert sending.plan_send(seeker=seeker, recruiter_ids=[alex.pk]).problems == []


def test_a_deactivated_account_cannot_send_and_is_told_why(seeker, alex):
    b.ready_seeker(seeker, sends=3)
    seeker.is_active = False
    seeker.save(update_fields=["is_active"])
    plan = sending.plan_send(seeker=seeker, recruiter_ids=[alex.pk])
    assert plan.problems == ["This account is deactivated."]
    with pytest.raises(sending.SendRefused, match=r"^This account is deactivated\.$"):
        sending.confirm_send(
            seeker=seeker, recruiter_ids=[alex.pk], include_contact=False,
            consent_given=True, digest=plan.digest,
        )  # fmt: skip


def test_the_consent_names_what_is_sent_to_whom_for_how_long(seeker, alex):
    b.ready_seeker(seeker, sends=3)
    one = sending.plan_send(seeker=seeker, recruiter_ids=[alex.pk])
    assert one.consent_text == (
        "I agree that Job Letters sends my name, email address, professional profile, job "
        "letter and CV (“Sam CV.pdf”) to this recruiter: Alex Carter, Harper Legal (for "
        "Lawyers in London). Each receives one email and a private link to my packet, valid "
        "for 30 days. They may contact me about jobs; their use of my information is governed "
        "by their own terms and privacy policies. I can revoke a packet at any time, which "
        "closes its link."
    )
    jordan = _lawyer(name="Jordan Lee", agency="Northbridge")
    two = sending.plan_send(seeker=seeker, recruiter_ids=[alex.pk, jordan.pk])
    assert two.consent_text.startswith(
        "I agree that Job Letters sends my name, email address, professional profile, job "
        "letter and CV (“Sam CV.pdf”) to these 2 recruiters: Alex Carter, Harper Legal (for "
        "Lawyers in London); Jordan Lee, Northbridge (for Lawyers in London). Each receives "
    )


def test_a_blind_consent_says_what_an_accepted_introduction_shares(seeker, alex):
    b.ready_seeker(seeker, sends=3)
    plan = sending.plan_send(seeker=seeker, recruiter_ids=[alex.pk], blind=True)
    assert plan.consent_text == (
        "I agree that Job Letters sends my professional profile and job letter to this "
        "recruiter: Alex Carter, Harper Legal (for Lawyers in London). Blind send: they see my "
        "job letter and a summary (what I am looking for, my experience, skills and languages), "
        "not who I am. Each may ask for an introduction; only if I accept it is my name, email "
        "address and CV (“Sam CV.pdf”) shared with that recruiter alone, and a declined or "
        "unanswered request shares nothing more. Each receives one email and a private link "
        "to my packet, valid for 30 days. They may contact me about jobs; their use of my "
        "information is governed by their own terms and privacy policies. I can revoke a "
        "packet at any time, which closes its link."
    )


def test_saying_yes_records_each_packet_with_its_send_held_and_its_delivery_queued(seeker, alex):
    b.ready_seeker(seeker, sends=3)
    plan = sending.plan_send(seeker=seeker, recruiter_ids=[alex.pk])
    send = sending.confirm_send(
        seeker=seeker, recruiter_ids=[alex.pk], include_contact=False,
        consent_given=True, digest=plan.digest,
    )  # fmt: skip

    assert (send.seeker, send.blind, send.include_contact) == (seeker, False, False)
    assert send.snapshot == plan.snapshot
    consent = send.consent
    assert re.fullmatch(r"send:[0-9a-f-]{36}", consent.reference)
    assert consent.text == plan.consent_text
    assert consent.recipients == [{"id": alex.pk, "name": "Alex Carter", "agency": "Harper Legal"}]
    delivery = send.deliveries.get()
    assert (delivery.seeker, delivery.recruiter, delivery.consent) == (seeker, alex, consent)
    assert delivery.recipient_name == "Alex Carter, Harper Legal"
    assert delivery.reason == "Recruits for Lawyers in London"
    assert (delivery.role, delivery.place) == ("Lawyers", "London")
    assert re.fullmatch(r"<packet\.[0-9a-f]{32}@127\.0\.0\.1>", delivery.message_id)
    reservation = Reservation.objects.get(pk=delivery.reservation_id)
    assert reservation.status == Reservation.Status.HELD and reservation.sends == 1
    assert reservation.reference == f"delivery:{delivery.pk}"
    entry = OutboxEntry.objects.get(kind=sending.DELIVER_PACKET)
    assert entry.payload == {"delivery_id": delivery.pk}
    assert entry.key == f"delivery:{delivery.pk}" and entry.person == seeker


def test_each_packet_has_its_own_message_id_on_the_sites_domain(seeker, alex, settings):
    settings.SITE_URL = "https://jobletters.example.org"
    b.ready_seeker(seeker, sends=3)
    jordan = _lawyer()
    send = b.send_to(seeker, alex, jordan, deliver=False).send
    ids = list(send.deliveries.values_list("message_id", flat=True))
    assert len(set(ids)) == 2
    assert all(re.fullmatch(r"<packet\.[0-9a-f]{32}@jobletters\.example\.org>", i) for i in ids)


def test_a_refusal_says_every_problem(seeker, alex):
    b.ready_seeker(seeker, sends=0)
    seeker.is_active = False
    seeker.save(update_fields=["is_active"])
    plan = sending.plan_send(seeker=seeker, recruiter_ids=[alex.pk])
    with pytest.raises(sending.SendRefused) as refused:
        sending.confirm_send(
            seeker=seeker, recruiter_ids=[alex.pk], include_contact=False,
            consent_given=True, digest=plan.digest,
        )  # fmt: skip
    assert str(refused.value) == "This send needs 1 send; you have 0. This account is deactivated."


def test_a_choice_with_a_recruiter_who_can_no_longer_be_sent_to_is_never_half_sent(seeker, alex):
    """Replaying the choice of a page (the same digest) when one recruiter has been sent to
    since: refused as a whole, the seeker looks again."""
    b.ready_seeker(seeker, sends=5)
    jordan = _lawyer(name="Jordan Lee")
    b.send_to(seeker, alex, deliver=False)
    plan = sending.plan_send(seeker=seeker, recruiter_ids=[alex.pk, jordan.pk])
    assert plan.left_out and plan.problems == []
    with pytest.raises(sending.SendChanged, match="Something changed since you looked"):
        sending.confirm_send(
            seeker=seeker, recruiter_ids=[alex.pk, jordan.pk], include_contact=False,
            consent_given=True, digest=plan.digest,
        )  # fmt: skip
    assert not Delivery.objects.filter(recruiter=jordan).exists()
    assert ledger.balance(user=seeker) == 4


def test_the_consent_is_in_the_seekers_language_and_the_record_keeps_english_categories(
    seeker, alex
):
    b.ready_seeker(seeker, sends=3)
    with translation.override("fr"):
        plan = sending.plan_send(seeker=seeker, recruiter_ids=[alex.pk])
    assert "profil professionnel" in plan.consent_text
    assert "lettre de candidature" in plan.consent_text
    assert plan.data_categories == [
        "name", "email address", "professional profile", "job letter", "CV",
    ]  # fmt: skip


def test_a_site_address_without_a_host_still_gives_well_formed_message_ids(seeker, alex, settings):
    settings.SITE_URL = ""
    b.ready_seeker(seeker, sends=3)
    delivery = b.send_to(seeker, alex, deliver=False)
    assert re.fullmatch(r"<packet\.[0-9a-f]{32}@jobletters\.example>", delivery.message_id)
