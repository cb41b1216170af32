"""Each packet leaves exactly once: claims, redelivery, SMTP errors, caps, refunds, opt-outs."""

from __future__ import annotations

import smtplib
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from billing import ledger
from jobletters import outbox
from jobletters.models import OutboxEntry
from privacy.models import Disclosure
from recruiters import delivery as delivery_service
from recruiters import directory
from recruiters.models import Delivery, Recruiter

from ..utils import run_outbox
from . import builders as b
from .builders import send_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(seeker):
    b.ready_seeker(seeker, sends=5)
    alex = b.recruiter(occupations=[b.occupation("2611")], places=[b.city("London")])
    return send_to(seeker, alex, deliver=False)


def _state(delivery) -> str:
    delivery.refresh_from_db()
    return delivery.state


def test_a_redelivered_task_sends_nothing_more(queued, seeker):
    assert delivery_service.deliver_packet(delivery_id=queued.pk) == "sent"
    assert delivery_service.deliver_packet(delivery_id=queued.pk) == "already sent"
    # The outbox entry handed to a worker again (acks_late redelivery after the work).
    entry = OutboxEntry.objects.get(key=f"delivery:{queued.pk}")
    OutboxEntry.objects.filter(pk=entry.pk).update(state="pending", due_at=timezone.now())
    run_outbox()
    assert len(mail.outbox) == 1
    assert Disclosure.objects.count() == 1
    assert ledger.balance(user=seeker) == 4


def test_the_packet_comes_from_the_site_whatever_the_seeker_is_called(seeker, settings):
    # A name that reads as a sender: it stays in the subject, never in From.
    seeker.name = "Harper Legal HR <hr@harper.example>"
    seeker.save()
    b.ready_seeker(seeker)
    alex = b.recruiter(occupations=[b.occupation("2611")], places=[b.city("London")])
    send_to(seeker, alex)

    (message,) = mail.outbox
    assert message.from_email == f"{settings.SITE_NAME} <no-reply@jobletters.example>"
    assert message.message()["From"] == "Job Letters <no-reply@jobletters.example>"
    assert message.subject.endswith(": Harper Legal HR <hr@harper.example>")
    assert message.reply_to == ["seeker@example.com"]


def test_a_run_that_died_after_the_final_dot_is_never_sent_again(queued, seeker, caplog):
    # A worker claimed it, wrote the final dot of DATA, and died before marking it sent.
    past = timezone.now() - timedelta(minutes=10)
    Delivery.objects.filter(pk=queued.pk).update(
        state="sending", claimed_at=past, claim_expires_at=past, handed_over_at=past
    )

    assert delivery_service.deliver_packet(delivery_id=queued.pk) == "sent (unconfirmed)"

    assert mail.outbox == []
    queued.refresh_from_db()
    assert queued.state == "sent" and queued.sent_at and queued.disclosure
    assert queued.sent_unconfirmed
    assert not ledger.is_held(reservation_id=queued.reservation_id)
    assert ledger.balance(user=seeker) == 4
    # Operations see why a packet counts as sent without the server's answer.
    assert [
        (r.levelname, r.getMessage()) for r in caplog.records if r.name == "recruiters.delivery"
    ] == [
        ("WARNING", f"packet {queued.pk}: sender stopped after the final dot; sent (unconfirmed)")
    ]


def test_a_run_that_died_before_the_mail_server_is_sent_by_the_next(queued):
    past = timezone.now() - timedelta(minutes=10)
    Delivery.objects.filter(pk=queued.pk).update(
        state="sending", claimed_at=past, claim_expires_at=past
    )
    assert delivery_service.deliver_packet(delivery_id=queued.pk) == "sent"
    assert len(mail.outbox) == 1


def test_a_delivery_another_worker_holds_is_left_to_it(queued):
    soon = timezone.now() + timedelta(minutes=1)
    Delivery.objects.filter(pk=queued.pk).update(
        state="sending", claimed_at=timezone.now(), claim_expires_at=soon
    )
    with pytest.raises(outbox.Retry) as retry:
        delivery_service.deliver_packet(delivery_id=queued.pk)
    assert mail.outbox == []
    # Asked again once the other worker's claim has run out (a second after it).
    assert 1 < retry.value.delay <= 61


def test_smtp_errors_retry_with_backoff_then_succeed(queued, seeker, monkeypatch, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 1
    real_deliver = delivery_service.deliver
    failures = iter([ConnectionRefusedError("smtp down"), smtplib.SMTPServerDisconnected("bye")])

    def flaky(message, *, kind, connection):
        error = next(failures, None)
        if error:
            raise error
        return real_deliver(message, kind=kind, connection=connection)

    monkeypatch.setattr(delivery_service, "deliver", flaky)
    entry = OutboxEntry.objects.get(key=f"delivery:{queued.pk}")
    assert outbox.run_entry(entry.pk) == "retry"
    assert _state(queued) == "queued" and queued.handed_over_at is None
    assert ledger.balance(user=seeker) == 4  # still held
    later = timezone.now() + timedelta(minutes=5)
    assert outbox.run_entry(entry.pk, now=later) == "retry"
    assert outbox.run_entry(entry.pk, now=later + timedelta(minutes=5)) == "done"
    assert _state(queued) == "sent" and len(mail.outbox) == 1


def test_a_packet_that_cannot_be_delivered_fails_and_its_send_comes_back(
    queued, seeker, monkeypatch
):
    def refused(message, *, kind, connection):
        raise smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"No such user")})

    monkeypatch.setattr(delivery_service, "deliver", refused)
    entry = OutboxEntry.objects.get(key=f"delivery:{queued.pk}")
    assert outbox.run_entry(entry.pk) == "failed"
    assert _state(queued) == "failed" and "could not deliver" in queued.failure
    assert ledger.balance(user=seeker) == 5
    assert not Disclosure.objects.exists()


def test_a_packet_that_keeps_failing_gives_up_after_its_attempts(
    queued, seeker, monkeypatch, caplog
):
    def times_out(message, *, kind, connection):
        raise TimeoutError

    monkeypatch.setattr(delivery_service, "deliver", times_out)
    entry = OutboxEntry.objects.get(key=f"delivery:{queued.pk}")
    when = timezone.now()
    for _ in range(entry.max_attempts):
        outcome = outbox.run_entry(entry.pk, now=when)
        when += timedelta(hours=2)
    assert outcome == "failed"
    assert _state(queued) == "failed"
    assert ledger.balance(user=seeker) == 5
    (gave_up,) = [r for r in caplog.records if r.name == "recruiters.delivery"]
    assert gave_up.levelname == "WARNING"
    assert gave_up.getMessage().startswith(f"packet {queued.pk} failed for good: ")


def test_the_daily_cap_defers_the_rest_to_the_next_day(seeker, other_seeker):
    lawyers, london = b.occupation("2611"), b.city("London")
    alex = b.recruiter(occupations=[lawyers], places=[london], daily_cap=1)
    b.ready_seeker(seeker)
    b.ready_seeker(other_seeker)
    first = send_to(seeker, alex)
    second = send_to(other_seeker, alex)

    assert _state(first) == "sent"
    assert _state(second) == "deferred"
    tomorrow = (timezone.now() + timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    assert second.deferred_until == tomorrow
    assert len(mail.outbox) == 1
    later = OutboxEntry.objects.get(key=f"delivery:{second.pk}:{tomorrow:%Y-%m-%d}")
    assert later.state == "pending" and later.person == other_seeker
    # Not every deferred packet at midnight: spread over the day's first ten minutes.
    assert later.due_at == tomorrow + timedelta(seconds=second.pk % 600)

    # Tomorrow: yesterday's packet no longer counts against the cap.
    Delivery.objects.filter(pk=first.pk).update(sent_at=timezone.now() - timedelta(days=1))
    outbox.run_entry(later.pk, now=later.due_at + timedelta(seconds=1))
    assert _state(second) == "sent" and len(mail.outbox) == 2


@pytest.fixture
def paid_two(seeker, client, settings):
    """The seeker bought two sends through Stripe (a signed webhook credited them)."""
    from billing.models import BillingAccount, Plan, Purchase
    from tests.billing.events import WEBHOOK_SECRET, checkout_session, deliver, event

    settings.STRIPE_SECRET_KEY = "sk_test_job_letters"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    b.ready_seeker(seeker, sends=0)
    plan = Plan.objects.create(slug="two", name="Two", sends=2, price=1000)
    account = BillingAccount.objects.create(user=seeker, stripe_customer_id="cus_test_1")
    purchase = Purchase.objects.create(
        account=account, plan=plan, plan_name=plan.name, sends=2, amount=1000,
        currency="gbp", stripe_checkout_session_id="cs_test_seeker_1",
    )  # fmt: skip
    deliver(client, event("checkout.session.completed", checkout_session(purchase)))
    assert ledger.balance(user=seeker) == 2
    return purchase


def _one_leaving_one_waiting(seeker):
    lawyers, london = b.occupation("2611"), b.city("London")
    alex = b.recruiter(occupations=[lawyers], places=[london])
    jordan = b.recruiter(occupations=[lawyers], places=[london])
    leaving = send_to(seeker, alex, jordan, deliver=False)
    waiting = Delivery.objects.exclude(pk=leaving.pk).get()
    # The first email is leaving (the mail server has it) when the money goes back.
    Delivery.objects.filter(pk=leaving.pk).update(
        state="sending", claimed_at=timezone.now(), handed_over_at=timezone.now(),
        claim_expires_at=timezone.now() - timedelta(seconds=1),
    )  # fmt: skip
    return leaving, waiting, [[alex.email], [jordan.email]]


@pytest.mark.parametrize("money_back", ["refund", "dispute"])
def test_a_refund_or_dispute_during_a_send_stops_what_has_not_left_and_leaves_the_ledger_right(
    seeker, client, paid_two, money_back
):
    from tests.billing.events import charge, deliver, dispute, event

    leaving, waiting, recruiters = _one_leaving_one_waiting(seeker)

    if money_back == "refund":
        deliver(client, event("charge.refunded", charge(paid_two, amount_refunded=1000)))
    else:
        deliver(client, event("charge.dispute.created", dispute(paid_two)))
    run_outbox()

    assert _state(leaving) == "sent" and leaving.disclosure  # what left, left
    assert _state(waiting) == "failed" and "taken back" in waiting.failure
    # (the first was handed to the mail server before the money went back)
    assert not [m for m in mail.outbox if m.to in recruiters]
    assert ledger.balance(user=seeker) == 0
    assert ledger.ledger_total(paid_two.account_id) == -1  # one send owed: the deficit


def test_an_account_frozen_or_closed_before_sending_sends_nothing(queued, seeker):
    seeker.is_active = False
    seeker.save()
    run_outbox()
    assert mail.outbox == []
    assert _state(queued) == "failed" and ledger.balance(user=seeker) == 5


def test_a_recruiter_deactivated_before_sending_gets_nothing(queued, seeker):
    recruiter = queued.recruiter
    recruiter.active = False
    recruiter.save()
    directory.recruiter_changed(recruiter=recruiter)
    assert _state(queued) == "failed"
    run_outbox()
    assert mail.outbox == [] and ledger.balance(user=seeker) == 5


def test_a_recruiter_erased_after_their_packet_was_claimed_gets_nothing(
    queued, seeker, monkeypatch
):
    email, claim = queued.recruiter.email, delivery_service._claim

    def erased_after_the_claim(delivery_id):
        claimed = claim(delivery_id)
        directory.erase_recruiter(email=email)
        return claimed

    monkeypatch.setattr(delivery_service, "_claim", erased_after_the_claim)
    assert delivery_service.deliver_packet(delivery_id=queued.pk) == "failed"
    assert mail.outbox == []
    assert _state(queued) == "failed" and "left our directory" in queued.failure
    assert ledger.balance(user=seeker) == 5


def test_a_cv_deleted_before_sending_stops_the_packet(queued, seeker):
    from profiles import cvs
    from profiles.models import CV

    cvs.delete_cv(cv=CV.objects.get(owner=seeker))
    run_outbox()
    assert mail.outbox == []
    assert _state(queued) == "failed" and "CV" in queued.failure
    assert ledger.balance(user=seeker) == 5


def test_every_sent_packet_has_its_consent_and_disclosure(queued):
    run_outbox()
    with pytest.raises(Exception):  # noqa: B017 - the database refuses, whichever error it names
        from django.db import transaction

        with transaction.atomic():
            Delivery.objects.filter(pk=queued.pk).update(disclosure=None)
    for delivery in Delivery.objects.filter(sent_at__isnull=False):
        assert delivery.consent_id and delivery.disclosure.consent_id == delivery.consent_id


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_one_delivery_send_one_email(seeker, monkeypatch):
    b.ready_seeker(seeker)
    alex = b.recruiter(occupations=[b.occupation("2611")], places=[b.city("London")])
    monkeypatch.setattr(outbox, "_hand_over", lambda entries: [])  # no worker picks it up
    queued = send_to(seeker, alex, deliver=False)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def worker() -> None:
        start.wait()
        try:
            outcomes.append(delivery_service.deliver_packet(delivery_id=queued.pk))
        except outbox.Retry:
            outcomes.append("retry")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) in (
        ["claimed elsewhere", "sent"],
        ["retry", "sent"],
        ["already sent", "sent"],
    )
    assert len(mail.outbox) == 1
    assert Delivery.objects.get(pk=queued.pk).state == "sent"


@pytest.mark.parametrize(
    "change",
    [
        {"active": False},
        {"opted_out_at": timezone.now()},
        {"frozen_at": timezone.now()},
        {"suspended_at": timezone.now()},
    ],
)
def test_the_worker_sends_nothing_to_a_recruiter_who_became_unreachable(queued, seeker, change):
    # Changed behind the services' back (no waiting packet cancelled): the worker checks
    # again under the recruiter's lock, just before it would send.
    Recruiter.objects.filter(pk=queued.recruiter_id).update(**change)
    assert delivery_service.deliver_packet(delivery_id=queued.pk) == "failed"
    assert _state(queued) == Delivery.State.FAILED
    assert mail.outbox == [] and not Disclosure.objects.exists()
    assert ledger.balance(user=seeker) == 5


def test_one_delivery_costs_a_fixed_number_of_statements(seeker, django_assert_num_queries):
    # The worker's whole run of one packet: the outbox entry's claim and mark (6), the
    # delivery read with what decides whether it may leave (1), its claim under the
    # recruiter's lock (6: the lock, the day's count, the claim, the link), the
    # "may have left" mark before the final dot (1), and the sent mark with its
    # disclosure record and consumed send (12). docs/benchmarks.md counts them.
    b.ready_seeker(seeker, sends=5)
    london, lawyers = b.city("London"), b.occupation("2611")
    first, second = (b.recruiter(occupations=[lawyers], places=[london]) for _ in range(2))
    send_to(seeker, first, second, deliver=False)
    entries = OutboxEntry.objects.filter(kind="recruiters.deliver_packet").order_by("pk")
    first_entry, second_entry = entries.values_list("pk", flat=True)
    assert outbox.run_entry(first_entry) == "done"  # the first also warms caches

    with django_assert_num_queries(26):
        assert outbox.run_entry(second_entry) == "done"

    assert len(mail.outbox) == 2 and Disclosure.objects.count() == 2
    assert ledger.balance(user=seeker) == 3


def test_a_packet_only_ever_carries_the_seekers_own_cv(queued, seeker, other_seeker):
    # A snapshot naming a CV that is not theirs (however it came to): refused, not sent.
    from profiles.models import CV

    b.ready_seeker(other_seeker)
    send = queued.send
    send.snapshot["cv"]["id"] = CV.objects.get(owner=other_seeker).pk
    send.save(update_fields=["snapshot"])

    assert delivery_service.deliver_packet(delivery_id=queued.pk) == "failed"
    assert mail.outbox == [] and "CV" in Delivery.objects.get(pk=queued.pk).failure
    assert ledger.balance(user=seeker) == 5


def test_a_packet_revoked_after_its_claim_stops_before_the_final_dot(queued, seeker, monkeypatch):
    from recruiters.sending import revoke_delivery

    claim = delivery_service._claim

    def revoked_after_the_claim(delivery_id):
        claimed = claim(delivery_id)
        revoke_delivery(seeker=seeker, delivery_id=delivery_id)
        return claimed

    monkeypatch.setattr(delivery_service, "_claim", revoked_after_the_claim)
    assert delivery_service.deliver_packet(delivery_id=queued.pk) == "revoked"
    assert mail.outbox == [] and not Disclosure.objects.exists()
    queued.refresh_from_db()
    assert queued.state == "revoked" and queued.handed_over_at is None
    assert ledger.balance(user=seeker) == 5


def test_giving_up_after_the_final_dot_records_it_sent_unconfirmed(queued, seeker):
    past = timezone.now() - timedelta(minutes=10)
    Delivery.objects.filter(pk=queued.pk).update(
        state="sending", claimed_at=past, claim_expires_at=past, handed_over_at=past
    )
    delivery_service.gave_up(delivery_id=queued.pk, error="no answer")
    delivery_service.gave_up(delivery_id=queued.pk + 1000, error="gone")  # nothing to do

    queued.refresh_from_db()
    assert queued.state == "sent" and queued.sent_unconfirmed and queued.disclosure
    assert ledger.balance(user=seeker) == 4


def test_giving_up_before_the_final_dot_fails_it_in_words_and_returns_the_send(queued, seeker):
    delivery_service.gave_up(delivery_id=queued.pk, error="refused")
    queued.refresh_from_db()
    assert queued.state == "failed" and queued.failure.startswith("We could not deliver it")
    assert ledger.balance(user=seeker) == 5


def test_a_packet_revoked_while_the_mail_server_fails_stays_revoked(queued, seeker, monkeypatch):
    from recruiters.sending import revoke_delivery

    def revoked_then_disconnected(message, **kwargs):
        revoke_delivery(seeker=seeker, delivery_id=queued.pk)
        raise smtplib.SMTPServerDisconnected("gone before the final dot")

    monkeypatch.setattr(delivery_service, "deliver", revoked_then_disconnected)
    assert delivery_service.deliver_packet(delivery_id=queued.pk) == "revoked"
    queued.refresh_from_db()
    assert queued.state == "revoked" and queued.handed_over_at is None
    assert ledger.balance(user=seeker) == 5
