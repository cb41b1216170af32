"""§5 Retention and §7 Access: deleting an account, from the request to the tombstone."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.utils import timezone

from billing import ledger
from billing.models import BillingAccount, LedgerEntry, Purchase
from jobletters import outbox
from privacy.models import DeletionRequest, LegalHold, Tombstone
from privacy.registry.declarations import Phase
from privacy.rights import erasure, freeze
from privacy.rights.deletion import (
    cancel_deletion,
    erasure_attempts,
    late_deletions,
    purge_due_deletions,
    request_deletion,
)
from privacy.rights.erasure import PersonHeld, erase_person

from .builders import person_with_everything, words_of
from .walk import cache_entries, rows_referring_to

pytestmark = pytest.mark.django_db


def _words(user) -> list[str]:
    return words_of(user)


def _erase_and_send(user_id: int) -> erasure.ErasureResult:
    result = erase_person(user_id)
    outbox.run_due()
    return result


def test_s5_erasure_leaves_no_row_about_the_person(seeker, other_seeker, staff, stripe_double):
    mine = person_with_everything(seeker, staff=staff)
    person_with_everything(other_seeker, staff=staff)
    files = [mine["cv"].file.name, mine["cv"].normalised_file.name]
    words = _words(seeker)

    result = _erase_and_send(seeker.pk)

    assert result.erased
    assert rows_referring_to(seeker.pk, words) == []
    assert not any(default_storage.exists(name) for name in files)
    # The other person is untouched.
    assert rows_referring_to(other_seeker.pk, _words(other_seeker)) != []


def test_s5_nothing_read_from_the_cv_for_matching_stays_in_the_cache(seeker, stripe_double):
    from recruiters import matching
    from tests.recruiters import builders as rb

    rb.ready_seeker(seeker)  # a CV saying "M&A, GDPR and due diligence"
    rb.recruiter(
        occupations=[rb.occupation("2611")], places=[rb.city("London")],
        keywords=["Due diligence", "GDPR"],
    )  # fmt: skip
    keywords = matching.targets_of(seeker).keywords
    assert "due diligence" in keywords  # found in the CV

    erase_person(seeker.pk)

    left = cache_entries()
    assert not [key for key in left if "seeker-keywords" in key]
    assert not [key for key, value in left.items() if value in (keywords, list(keywords))]
    assert not [key for key, value in left.items() if seeker.email in repr(value)]


def test_s5_the_admin_log_forgets_the_subjects_name(seeker, staff, stripe_double):
    person_with_everything(seeker, staff=staff)
    assert LogEntry.objects.filter(object_repr__contains=seeker.name).count() == 2

    _erase_and_send(seeker.pk)

    assert not LogEntry.objects.filter(object_repr__contains=seeker.name).exists()


def test_s5_the_stripe_customer_is_deleted_and_billing_rows_stay_detached(
    seeker, staff, stripe_double
):
    data = person_with_everything(seeker, staff=staff)
    customer = data["account"].stripe_customer_id

    _erase_and_send(seeker.pk)

    assert stripe_double.deleted_customers == [customer]
    account = BillingAccount.objects.get(pk=data["account"].pk)
    assert account.user_id is None and account.detached_at is not None
    assert account.stripe_customer_id == ""
    assert account.billing_postal_code == "N1 9GU"
    assert Purchase.objects.filter(account=account).count() == 1
    # The staff member's grant stays, theirs, on the detached account.
    assert LedgerEntry.objects.filter(account=account, granted_by=staff).exists()


def test_s5_erasure_is_retried_until_stripe_answers_and_resumes(seeker, staff, stripe_double):
    person_with_everything(seeker, staff=staff)
    stripe_double.fail_with = 500

    with pytest.raises(Exception) as failure:
        erase_person(seeker.pk)
    assert outbox.is_transient(failure.value)
    tombstone = Tombstone.objects.get()
    assert tombstone.phase == 0 and tombstone.erased_at is None
    assert seeker.__class__.objects.filter(pk=seeker.pk).exists()

    stripe_double.fail_with = None
    assert erase_person(seeker.pk).erased
    tombstone.refresh_from_db()
    assert tombstone.phase == Phase.TOMBSTONE and tombstone.erased_at is not None
    # Again: nothing left to do, nothing breaks.
    assert not erase_person(seeker.pk).erased
    assert Tombstone.objects.count() == 1


def test_s5_the_tombstone_holds_nothing_personal(
    seeker, staff, stripe_double, django_capture_on_commit_callbacks
):
    person_with_everything(seeker, staff=staff)
    expected = erasure.hash_of(seeker)

    with django_capture_on_commit_callbacks(execute=True):
        _erase_and_send(seeker.pk)

    tombstone = Tombstone.objects.get()
    assert tombstone.subject_hash == expected and len(expected) == 64
    text = str(tombstone.__dict__)
    assert seeker.email not in text and seeker.name not in text
    assert default_storage.exists(f"{erasure.JOURNAL_PREFIX}/{expected}.json")


def test_s5_the_tombstone_counts_what_went_and_keeps_when_it_was_asked(
    seeker, staff, stripe_double, django_capture_on_commit_callbacks, caplog
):
    person_with_everything(seeker, staff=staff)
    deletion = request_deletion(user=seeker)

    with (
        caplog.at_level(logging.INFO, logger="privacy.rights.erasure"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = erase_person(seeker.pk)

    tombstone = Tombstone.objects.get()
    assert tombstone.summary == result.counts and tombstone.journaled
    assert result.counts["files"] == 2  # the CV and its checked copy
    # Kept without the person: the old hold, the cancelled request and this one.
    assert result.counts["privacy.LegalHold"] == 1
    assert result.counts["privacy.DeletionRequest"] == 2
    assert all(n > 0 for n in result.counts.values())
    assert tombstone.requested_at == deletion.requested_at
    journal = default_storage.open(f"{erasure.JOURNAL_PREFIX}/{result.subject_hash}.json")
    assert json.loads(journal.read()) == {
        "subject_hash": result.subject_hash,
        "erased_at": tombstone.erased_at.isoformat(),
        "requested_at": deletion.requested_at.isoformat(),
    }
    # Counts in the log, never the person.
    logged = [r.getMessage() for r in caplog.records if r.name == "privacy.rights.erasure"]
    assert logged == [f"erasure: done ({len(result.counts)} kinds of rows)"]


def test_s5_an_erasure_without_a_request_is_dated_when_it_ran(seeker, stripe_double):
    erase_person(seeker.pk)

    tombstone = Tombstone.objects.get()
    assert tombstone.requested_at is not None and tombstone.requested_at <= tombstone.erased_at


def test_s5_the_tombstone_hash_stays_the_same_from_release_to_release(settings):
    # A restore matches people against journals written by earlier releases.
    settings.PRIVACY_TOMBSTONE_KEY = "the tombstone key"
    joined = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    expected = hmac.new(
        b"the tombstone key", b"42|2026-01-02T03:04:05+00:00", hashlib.sha256
    ).hexdigest()

    assert erasure.subject_hash(42, joined) == expected
    assert erasure.subject_hash(42, joined.isoformat()) == expected  # read back as text
    assert erasure.subject_hash(43, joined) != expected


def test_s5_an_erasure_stopped_after_the_outside_systems_resumes_without_repeating_them(
    seeker, staff, stripe_double, monkeypatch
):
    person_with_everything(seeker, staff=staff)
    detach = erasure._detach

    def database_gone(user, counts) -> None:
        raise OperationalError("the database went away")

    monkeypatch.setattr(erasure, "_detach", database_gone)
    with pytest.raises(OperationalError):
        erase_person(seeker.pk)
    assert Tombstone.objects.get().phase == Phase.OUTSIDE

    monkeypatch.setattr(erasure, "_detach", detach)
    result = erase_person(seeker.pk)

    assert result.erased and len(stripe_double.deleted_customers) == 1
    assert result.counts["files"] == 2  # counted once, in the first run
    assert Tombstone.objects.get().summary == result.counts


def test_s5_erasing_a_member_of_staff_keeps_what_they_did_for_others_without_them(
    seeker, staff, stripe_double
):
    person_with_everything(seeker, staff=staff)

    result = erase_person(staff.pk)

    grant = LedgerEntry.objects.get(kind="complimentary")
    assert grant.granted_by_id is None and grant.account.user_id == seeker.pk
    # The hold they placed and released stays, without them; their admin log goes.
    hold = LegalHold.objects.get(person=seeker)
    assert hold.placed_by_id is None and hold.released_by_id is None
    assert result.counts["privacy.LegalHold"] == 2
    assert not LogEntry.objects.exists() and result.counts["admin.LogEntry"] == 2
    assert seeker.__class__.objects.filter(pk=seeker.pk).exists()


def test_s5_the_goodbye_is_in_the_persons_language_and_names_support(seeker, stripe_double):
    from django.conf import settings

    seeker.language = "fr"
    seeker.save(update_fields=["language"])

    _erase_and_send(seeker.pk)

    [goodbye] = mail.outbox
    assert goodbye.to == [seeker.email]
    assert "votre compte a été supprimé" in goodbye.subject
    assert settings.SUPPORT_EMAIL in goodbye.body


def test_s5_a_tombstone_the_file_store_refused_is_journaled_by_the_next_job(
    seeker, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise OSError("the file store is down")

    with monkeypatch.context() as store_down:
        store_down.setattr(default_storage, "save", refuse)
        with (
            caplog.at_level(logging.WARNING, logger="privacy.rights.erasure"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            digest = erase_person(seeker.pk, final_email=False).subject_hash
    assert not Tombstone.objects.get().journaled
    logged = [r.getMessage() for r in caplog.records if r.name == "privacy.rights.erasure"]
    assert logged == ["erasure: tombstone journal not written yet"]
    Tombstone.objects.create(subject_hash="0" * 64)  # an erasure still under way: not yet

    assert erasure.journal_missing_tombstones() == 1
    assert Tombstone.objects.get(subject_hash=digest).journaled
    assert default_storage.exists(f"{erasure.JOURNAL_PREFIX}/{digest}.json")
    assert erasure.journaled_hashes() == {digest}
    assert erasure.journal_missing_tombstones() == 0


def test_s5_a_hold_on_everything_blocks_erasure(seeker, staff):
    person_with_everything(seeker, staff=staff)
    LegalHold.objects.create(person=seeker, reason="Court order 12", placed_by=staff)

    with pytest.raises(PersonHeld):
        erase_person(seeker.pk)

    assert seeker.__class__.objects.filter(pk=seeker.pk).exists()
    assert not Tombstone.objects.exists()


def test_s5_a_hold_on_someone_else_does_not_block_erasure(seeker, other_seeker, staff):
    LegalHold.objects.create(person=other_seeker, reason="Court order 13", placed_by=staff)

    assert erase_person(seeker.pk).erased

    assert not seeker.__class__.objects.filter(pk=seeker.pk).exists()
    assert seeker.__class__.objects.filter(pk=other_seeker.pk).exists()


def test_s5_an_open_dispute_holds_billing_records_only(seeker, staff, stripe_double):
    data = person_with_everything(seeker, staff=staff)
    purchase = Purchase.objects.get(account=data["account"])
    purchase.disputes.create(stripe_dispute_id="dp_open", amount=500, currency="gbp")

    result = _erase_and_send(seeker.pk)

    assert result.erased  # the rest goes
    hold = LegalHold.objects.get(reference="auto:dispute:dp_open")
    assert hold.sections == ["2.3"] and hold.released_at is None
    # Billing records wait past their legal period while the dispute is open.
    from privacy.rights.holds import held_sections

    assert "2.3" in held_sections()


# --- The request, the freeze, cancel -----------------------------------------------------------


def test_s5_deletion_needs_the_password(seeker_client, seeker):
    page = seeker_client.get("/privacy/delete/")
    assert page.status_code == 200
    assert b"What the law makes us keep" in page.content

    wrong = seeker_client.post("/privacy/delete/", {"password": "nope"})
    assert b"That is not your password." in wrong.content
    assert not DeletionRequest.objects.exists()


def test_s5_deletion_needs_the_second_factor_when_it_is_on(seeker_client, seeker, password):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value

    secret = generate_totp_secret()
    TOTP.activate(seeker, secret)
    no_code = seeker_client.post("/privacy/delete/", {"password": password})
    assert b"Enter a code from your authenticator app." in no_code.content
    bad = seeker_client.post("/privacy/delete/", {"password": password, "code": "000000"})
    assert not DeletionRequest.objects.exists() and bad.status_code == 200

    import time

    code = str(hotp_value(secret, int(time.time()) // 30)).zfill(6)
    seeker_client.post("/privacy/delete/", {"password": password, "code": code})
    assert DeletionRequest.objects.filter(person=seeker).exists()
    assert Authenticator.objects.filter(user=seeker).exists()


def _request_deletion(client, password):
    response = client.post("/privacy/delete/", {"password": password})
    assert response.status_code == 302
    return DeletionRequest.objects.get()


def test_s5_the_account_is_frozen_during_the_grace_period(seeker_client, seeker, staff, password):
    ledger.grant_complimentary_sends(user=seeker, sends=3, staff=staff, reason="Welcome")

    deletion = _request_deletion(seeker_client, password)

    assert deletion.state == "pending"
    assert deletion.grace_ends_at - deletion.requested_at == timedelta(days=14)
    assert deletion.due_at - deletion.requested_at == timedelta(days=30)
    assert freeze.is_frozen(seeker)
    assert seeker.pk in {row["pk"] for row in freeze.frozen_people()}
    # No sends: billing's spend check refuses (billing never imports privacy).
    with pytest.raises(ledger.SpendingRefused, match="waiting to be deleted"):
        ledger.reserve(user=seeker, sends=1, reference="send:1")
    # Only cancel and export: everything else (checkout too) leads to the deletion page.
    for path in ("/dashboard/", "/billing/", "/profile/", "/billing/checkout/starter/"):
        response = seeker_client.get(path)
        assert response.status_code == 302 and response["Location"] == "/privacy/delete/", path
    assert seeker_client.get("/privacy/export/").status_code == 200
    page = seeker_client.get("/privacy/delete/")
    assert b"Cancel the deletion" in page.content and b'id="frozen-account"' in page.content


def test_s5_cancel_restores_everything(
    seeker_client, seeker, staff, password, request, django_capture_on_commit_callbacks
):
    recorded: list[tuple[int, bool]] = []

    def record_freeze(sender, *, user, frozen, **kwargs) -> None:
        recorded.append((user.pk, frozen))

    freeze.account_frozen.connect(record_freeze)
    request.addfinalizer(lambda: freeze.account_frozen.disconnect(record_freeze))
    ledger.grant_complimentary_sends(user=seeker, sends=3, staff=staff, reason="Welcome")
    with django_capture_on_commit_callbacks(execute=True):
        _request_deletion(seeker_client, password)
    with django_capture_on_commit_callbacks(execute=True):
        response = seeker_client.post("/privacy/delete/cancel/")
    assert response.status_code == 302

    assert DeletionRequest.objects.get().state == "cancelled"
    assert not freeze.is_frozen(seeker)
    assert ledger.reserve(user=seeker, sends=1, reference="send:1")
    assert seeker_client.get("/dashboard/").status_code == 200
    assert [(seeker.pk, True), (seeker.pk, False)] == recorded
    subjects = [m.subject for m in mail.outbox]
    assert any("will be deleted" in s for s in subjects)
    assert any("will not be deleted" in s for s in subjects)


def test_s5_signing_in_during_the_grace_period_shows_only_cancel_and_export(
    client, seeker, password
):
    request_deletion(user=seeker)
    response = client.post(
        "/accounts/login/", {"login": seeker.email, "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/privacy/delete/"
    assert b"Cancel the deletion" in response.content


def test_s5_requesting_signs_out_other_browsers(seeker, seeker_client, other_seeker_client):
    from django.test import Client

    elsewhere = Client()
    elsewhere.force_login(seeker)
    assert elsewhere.get("/dashboard/").status_code == 200
    request_deletion(user=seeker, keep_session=seeker_client.session.session_key)
    assert elsewhere.get("/dashboard/").status_code == 302
    assert "/accounts/login/" in elsewhere.get("/dashboard/")["Location"]
    assert other_seeker_client.get("/dashboard/").status_code == 200
    # This browser stays signed in, on the page that can cancel.
    assert seeker_client.get("/privacy/delete/").status_code == 200


def test_s5_the_purge_erases_after_the_grace_period(
    seeker, staff, stripe_double, django_capture_on_commit_callbacks
):
    person_with_everything(seeker, staff=staff)
    deletion = request_deletion(user=seeker)
    assert purge_due_deletions() == 0  # still in the grace period

    later = timezone.now() + timedelta(days=14, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_due_deletions(now=later) == 1
    outbox.run_due()

    deletion.refresh_from_db()
    assert deletion.state == "done" and deletion.erased_at is not None
    assert deletion.person_id is None
    assert rows_referring_to(seeker.pk, _words(seeker)) == []
    final = [m for m in mail.outbox if "has been deleted" in m.subject]
    assert len(final) == 1 and final[0].to == ["seeker@example.com"]


def test_s5_a_held_deletion_waits_and_goes_once_released(
    seeker, staff, stripe_double, django_capture_on_commit_callbacks
):
    from privacy.rights import holds

    hold = holds.place_hold(person=seeker, reason="Police request 7", staff=staff)
    # A hold on some sections stays: it keeps those records, not the whole person.
    holds.place_hold(person=seeker, reason="Tax audit", staff=staff, sections=["2.3"])
    deletion = request_deletion(user=seeker)
    later = timezone.now() + timedelta(days=15)
    with django_capture_on_commit_callbacks(execute=True):
        purge_due_deletions(now=later)
    outbox.run_due(now=later)
    deletion.refresh_from_db()
    assert deletion.state == "held"
    assert seeker.__class__.objects.filter(pk=seeker.pk).exists()

    # Held past the deadline is not late: the law lets the hold outlast it.
    assert not late_deletions(now=later + timedelta(days=60)).exists()

    holds.release_hold(hold=hold, reason="Closed", staff=staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_due_deletions(now=later + timedelta(hours=1)) == 1  # resumed
    outbox.run_due(now=later + timedelta(hours=1))
    deletion.refresh_from_db()
    assert deletion.state == "done"
    assert not seeker.__class__.objects.filter(pk=seeker.pk).exists()


def test_s5_a_late_deletion_is_logged_shown_and_reported(
    seeker, other_seeker, staff_with_mfa, caplog
):
    from django.core import checks
    from django.test import Client

    late = request_deletion(user=seeker)
    on_time = request_deletion(user=other_seeker)
    DeletionRequest.objects.filter(pk=late.pk).update(
        state="failed", due_at=timezone.now() - timedelta(days=1)
    )
    assert list(late_deletions()) == [DeletionRequest.objects.get(pk=late.pk)]

    with caplog.at_level("ERROR", logger="privacy.rights.deletion"):
        purge_due_deletions()
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    due = DeletionRequest.objects.get(pk=late.pk).due_at.isoformat()
    assert errors == [
        f"deletion: request {late.pk} is late: due {due}, erasure failed (staff must act)"
    ]

    client = Client()
    client.force_login(staff_with_mfa)
    queue = client.get("/admin/privacy/deletionrequest/").content.decode()
    assert queue.count('class="privacy-late"') == 1
    filtered = client.get("/admin/privacy/deletionrequest/?late=1").content.decode()
    assert seeker.email in filtered and other_seeker.email not in filtered

    warnings = checks.run_checks(databases=["default"], tags=["privacy"])
    assert [w.id for w in warnings] == ["privacy.W002"] and "1 deletion" in warnings[0].msg
    DeletionRequest.objects.filter(pk=late.pk).update(state="held")
    assert checks.run_checks(databases=["default"], tags=["privacy"]) == []
    assert on_time.due_at > timezone.now()


def test_s5_the_erasure_job_tries_until_the_deadline_then_staff_act(seeker, caplog, monkeypatch):
    from django.conf import settings

    from jobletters.models import OutboxEntry
    from privacy.rights import deletion as deletions

    deletion = request_deletion(user=seeker)
    start = deletion.grace_ends_at
    purge_due_deletions(now=start)
    entry = OutboxEntry.objects.get(key=f"erase:{deletion.pk}")
    # Its retries, at the shortest backoff, last from the end of the grace period to due_at.
    waits = [
        0.8 * min(settings.OUTBOX_RETRY_MAX_SECONDS, settings.OUTBOX_RETRY_BASE_SECONDS * 2**n)
        for n in range(entry.max_attempts - 1)
    ]
    assert sum(waits) >= (deletion.due_at - start).total_seconds()
    assert sum(waits[:-1]) < (deletion.due_at - start).total_seconds()
    # A request resumed after its deadline (a hold released) still gets a day of tries.
    assert erasure_attempts(deletion.due_at, deletion.due_at + timedelta(days=9)) == (
        erasure_attempts(start, start - timedelta(days=1))
    )

    def down(**kwargs):
        raise outbox.TransientError("Stripe is down")

    monkeypatch.setattr(deletions, "run_deletion", down)
    OutboxEntry.objects.filter(pk=entry.pk).update(attempts=entry.max_attempts - 1)
    with caplog.at_level("ERROR", logger="privacy.rights.deletion"):
        outbox.run_due(now=deletion.due_at)
    deletion.refresh_from_db()
    assert deletion.state == "failed" and "Stripe is down" in deletion.last_error
    assert any("failed" in r.getMessage() for r in caplog.records if r.levelname == "ERROR")


def test_s5_staff_see_every_request_with_its_due_date(staff_with_mfa, seeker, other_seeker):
    from django.test import Client

    soon = request_deletion(user=seeker)
    DeletionRequest.objects.filter(pk=soon.pk).update(due_at=timezone.now() + timedelta(days=2))
    request_deletion(user=other_seeker)
    client = Client()
    client.force_login(staff_with_mfa)
    page = client.get("/admin/privacy/deletionrequest/")
    assert page.status_code == 200
    content = page.content.decode()
    assert content.count('class="privacy-due-soon"') == 1
    assert content.count('class="privacy-on-time"') == 1
    assert "privacy/admin.css" in content
    # Each request names its person; dates are written as everywhere else in the admin.
    assert seeker.name in content and seeker.email in content
    due = timezone.localtime(DeletionRequest.objects.get(pk=soon.pk).due_at)
    assert f"{due.day} {due:%B %Y} (due soon)" in content
    assert not re.search(r"\d{4}-\d{2}-\d{2}", content)


def test_s5_erasure_deletes_stored_files_on_s3(
    moto_s3, seeker, other_seeker, staff, stripe_double, django_capture_on_commit_callbacks
):
    mine = person_with_everything(seeker, staff=staff)["cv"]
    theirs = person_with_everything(other_seeker, staff=staff)["cv"]

    def keys() -> set[str]:
        listed = moto_s3.client.list_objects_v2(Bucket=moto_s3.name).get("Contents", [])
        return {item["Key"] for item in listed}

    assert {mine.file.name, mine.normalised_file.name} <= keys()

    with django_capture_on_commit_callbacks(execute=True):
        erase_person(seeker.pk)

    remaining = keys()
    assert mine.file.name not in remaining and mine.normalised_file.name not in remaining
    assert {theirs.file.name, theirs.normalised_file.name} <= remaining


def test_s5_packet_links_answer_gone_after_the_erasure(seeker, staff, stripe_double, client):
    from recruiters.models import Delivery
    from recruiters.packets import issue_link

    person_with_everything(seeker, staff=staff)
    token = issue_link(delivery=Delivery.objects.get(seeker=seeker))
    assert client.get(f"/p/{token}/").status_code == 200

    _erase_and_send(seeker.pk)

    assert client.get(f"/p/{token}/").status_code == 410
    assert client.get(f"/p/{token}/cv/").status_code == 410


def test_s5_packet_links_close_while_frozen_and_reopen_on_cancel(seeker, staff, client):
    from recruiters.models import Delivery
    from recruiters.packets import issue_link

    person_with_everything(seeker, staff=staff)
    token = issue_link(delivery=Delivery.objects.get(seeker=seeker))

    request_deletion(user=seeker)
    assert client.get(f"/p/{token}/").status_code == 404  # not available for now
    cancel_deletion(user=seeker)
    assert client.get(f"/p/{token}/").status_code == 200


def test_s5_the_delete_page_lists_each_legal_record_once_and_only_this_persons(
    seeker_client, seeker, other_seeker, staff
):
    from .builders import person_with_everything

    def kept(client) -> str:
        page = client.get("/privacy/delete/").content.decode()
        return page.split('id="what-is-kept"', 1)[1].split("</section>", 1)[0]

    nothing = kept(seeker_client)
    assert "Kept for" not in nothing and "Nothing." in nothing

    person_with_everything(seeker, staff=staff, other=other_seeker)
    listed = kept(seeker_client)
    assert listed.count("Kept for 7 years") == 1  # one rule, with every record it covers
    assert "<strong>Billing account, payment disputes, " in listed
    assert "staff records" not in listed  # about requests, not about this person
