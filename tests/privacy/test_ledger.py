"""The consent ledger (policy §1, §3.1, §8, §2.9) and the disclosure log (§3)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.db.models import QuerySet

from privacy.consent import record_consent, record_disclosure
from privacy.models import Consent, Disclosure, PolicyVersion

pytestmark = pytest.mark.django_db

SHARE = Consent.Purpose.SHARE_WITH_RECRUITERS


def test_a_consent_keeps_the_words_shown_the_policy_in_force_and_the_recipients(seeker):
    consent = record_consent(
        person=seeker,
        purpose=SHARE,
        granted=True,
        text="Send my profile, job letter and CV to Ada Lovelace (Analytical Agency).",
        recipients=[{"name": "Ada Lovelace", "agency": "Analytical Agency"}],
        data_categories=["profile", "job_letter", "cv"],
        reference="send:1",
    )
    consent.refresh_from_db()
    assert consent.policy_version == PolicyVersion.objects.current()
    assert consent.policy_version is not None
    assert consent.text.startswith("Send my profile")
    assert consent.recipients == [{"name": "Ada Lovelace", "agency": "Analytical Agency"}]
    assert consent.data_categories == ["profile", "job_letter", "cv"]


def test_a_consent_without_the_words_shown_is_refused(seeker):
    with pytest.raises(ValueError):
        record_consent(person=seeker, purpose=SHARE, granted=True, text="  ")


def test_a_disclosure_is_recorded_once_per_cause(seeker):
    consent = record_consent(person=seeker, purpose=SHARE, granted=True, text="Yes, send it.")
    kwargs = {
        "person": seeker,
        "recipient_kind": "recruiter",
        "recipient_name": "Ada Lovelace (Analytical Agency)",
        "data_categories": ["profile", "cv"],
        "basis": "consent",
        "consent": consent,
        "reference": "delivery:7",
    }
    first = record_disclosure(**kwargs)
    second = record_disclosure(**kwargs)  # a redelivered task
    assert first.pk == second.pk
    assert Disclosure.objects.count() == 1


def test_a_disclosure_on_consent_must_name_the_consent(seeker):
    with pytest.raises(ValueError):
        record_disclosure(
            person=seeker,
            recipient_kind="recruiter",
            recipient_name="X",
            data_categories=["cv"],
            basis="consent",
            reference="delivery:8",
        )
    with pytest.raises(IntegrityError):  # and the database agrees
        Disclosure.objects.create(
            person=seeker,
            recipient_kind="recruiter",
            recipient_name="X",
            data_categories=["cv"],
            basis="consent",
            reference="delivery:9",
        )


def test_staff_can_read_but_never_change_the_ledger(client, staff_with_mfa, seeker):
    consent = record_consent(person=seeker, purpose=SHARE, granted=True, text="Yes.")
    client.force_login(staff_with_mfa)
    assert client.get("/admin/privacy/consent/").status_code == 200
    page = client.get(f"/admin/privacy/consent/{consent.pk}/change/")
    assert page.status_code == 200
    assert b'name="text"' not in page.content  # read-only
    assert client.post(f"/admin/privacy/consent/{consent.pk}/delete/").status_code == 403


def test_a_person_with_disclosures_can_be_deleted_but_a_consent_cannot_vanish_alone(seeker):
    from django.db.models import RestrictedError

    consent = record_consent(person=seeker, purpose=SHARE, granted=True, text="Yes, send it.")
    record_disclosure(
        person=seeker,
        recipient_kind="recruiter",
        recipient_name="Ada Lovelace (Analytical Agency)",
        data_categories=["cv"],
        basis="consent",
        consent=consent,
        reference="delivery:11",
    )
    with pytest.raises(RestrictedError):  # the disclosure still points at it
        consent.delete()
    seeker.delete()  # e.g. staff deleting the account in the admin: both go together
    assert not Consent.objects.exists()
    assert not Disclosure.objects.exists()


def test_a_withdrawal_is_kept_with_its_person_purpose_and_cause(seeker):
    long_reference = "send:" + "1" * 150
    withdrawal = record_consent(
        person=seeker, purpose=SHARE, granted=False, text="Stop sending.", reference=long_reference
    )
    withdrawal.refresh_from_db()
    assert (withdrawal.person, withdrawal.purpose, withdrawal.granted) == (seeker, SHARE, False)
    assert (withdrawal.recipients, withdrawal.data_categories) == ([], [])
    assert withdrawal.reference == long_reference[:100]  # the column's size, on any database
    with pytest.raises(ValueError, match="exact words the person was shown"):
        record_consent(person=seeker, purpose=SHARE, granted=False, text="\n")


def test_a_disclosure_to_an_authority_keeps_who_what_and_why(seeker):
    name = "Ministère " + "é" * 400  # whatever a staff member typed
    disclosure = record_disclosure(
        person=seeker,
        recipient_kind="authority",
        recipient_name=name,
        recipient_reference="case:" + "7" * 200,
        data_categories=(category for category in ["profile", "sends"]),
        basis="legal_obligation",
        reference="legal-request:3",
        legal_reference="Court order 2026/12 " + "§" * 300,
    )
    disclosure.refresh_from_db()
    assert (disclosure.person, disclosure.recipient_kind, disclosure.basis) == (
        seeker,
        "authority",
        "legal_obligation",
    )
    assert disclosure.recipient_name == name[:300]
    assert disclosure.recipient_reference == ("case:" + "7" * 200)[:100]
    assert disclosure.legal_reference == ("Court order 2026/12 " + "§" * 300)[:200]
    assert (disclosure.data_categories, disclosure.consent) == (["profile", "sends"], None)
    assert disclosure.reference == "legal-request:3"


def test_a_disclosure_on_consent_names_it(seeker):
    consent = record_consent(person=seeker, purpose=SHARE, granted=True, text="Yes, send it.")
    disclosure = record_disclosure(
        person=seeker,
        recipient_kind="recruiter",
        recipient_name="Ada Lovelace (Analytical Agency)",
        data_categories=["cv"],
        basis="consent",
        consent=consent,
        reference="delivery:10",
    )
    disclosure.refresh_from_db()
    assert (disclosure.consent, disclosure.basis, disclosure.recipient_kind) == (
        consent,
        "consent",
        "recruiter",
    )
    # What was not given is left empty, never filled with made-up words.
    assert (disclosure.recipient_reference, disclosure.legal_reference) == ("", "")
    consent.refresh_from_db()
    assert consent.reference == ""
    with pytest.raises(ValueError, match="must name the consent"):
        record_disclosure(
            person=seeker,
            recipient_kind="recruiter",
            recipient_name="X",
            data_categories=["cv"],
            basis="consent",
            reference="delivery:11",
        )


def test_a_disclosure_recorded_first_by_a_concurrent_writer_is_the_one_returned(
    seeker, monkeypatch
):
    kwargs = {
        "person": seeker,
        "recipient_kind": "authority",
        "recipient_name": "Tax office",
        "data_categories": ["sends"],
        "basis": "legal_obligation",
        "reference": "legal-request:4",
    }
    first = record_disclosure(**kwargs)
    real_get = QuerySet.get
    looked = []

    def lost_the_race(queryset, *args, **kwargs):
        # Our lookup runs before the other writer commits; our insert then fails on its row.
        if queryset.model is Disclosure and not looked:
            looked.append(True)
            raise Disclosure.DoesNotExist
        return real_get(queryset, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "get", lost_the_race)
    assert record_disclosure(**{**kwargs, "recipient_name": "Someone else"}) == first
    assert looked
    assert Disclosure.objects.get().recipient_name == "Tax office"
