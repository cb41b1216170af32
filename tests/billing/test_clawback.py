"""Refunds and disputes take back sends that are reserved, too; disputes hold, restore or remove.

The rule they all show: sends bought with money that went back never stay in a
balance, whatever was reserved, released or consumed around the refund.
"""

from __future__ import annotations

import pytest

from billing import ledger
from billing.models import Dispute, LedgerEntry, PaymentProblem, Purchase, Reservation, WebhookEvent

from .events import charge, checkout_session, deliver, dispute, event

pytestmark = pytest.mark.usefixtures("stripe_keys")


@pytest.fixture
def paid(client, seeker, purchase):
    """The seeker's purchase of 25 sends, paid and credited."""
    deliver(client, event("checkout.session.completed", checkout_session(purchase)))
    purchase.refresh_from_db()
    assert ledger.balance(user=seeker) == 25
    return purchase


def _refund(client, purchase, amount):
    return deliver(client, event("charge.refunded", charge(purchase, amount_refunded=amount)))


def _dispute(client, purchase, kind="created", **kwargs):
    return deliver(client, event(f"charge.dispute.{kind}", dispute(purchase, **kwargs)))


def _status(reservation) -> str:
    reservation.refresh_from_db()
    return reservation.status


# --- Refunds while sends are reserved -----------------------------------------------------


def test_a_full_refund_cancels_a_reservation_and_releasing_it_restores_nothing(
    client, seeker, paid
):
    reservation = ledger.reserve(user=seeker, sends=5, reference="send:1")

    _refund(client, paid, 2500)

    assert ledger.balance(user=seeker) == 0
    assert _status(reservation) == Reservation.Status.CANCELLED
    assert not ledger.is_held(reservation_id=reservation.pk)
    ledger.release(reservation_id=reservation.pk)  # the send is given up: nothing comes back
    assert ledger.balance(user=seeker) == 0
    assert ledger.ledger_total(paid.account_id) == 0
    assert LedgerEntry.objects.get(kind="refund").sends == -25


def test_a_full_refund_cancels_even_a_single_reserved_send(client, seeker, paid):
    reservation = ledger.reserve(user=seeker, sends=1, reference="send:1")

    _refund(client, paid, 2500)

    assert _status(reservation) == Reservation.Status.CANCELLED
    assert reservation.settled_at is not None


def test_a_refund_cancels_the_newest_reservations_until_the_rest_is_covered(client, seeker, paid):
    older = ledger.reserve(user=seeker, sends=3, reference="send:1")
    newer = ledger.reserve(user=seeker, sends=5, reference="send:2")

    _refund(client, paid, 2200)  # 22 of the 25 sends: 3 are left

    assert (_status(older), _status(newer)) == ("held", "cancelled")
    assert ledger.balance(user=seeker) == 0


def test_a_refund_leaves_used_sends_and_other_peoples_reservations_alone(
    client, seeker, other_seeker, staff, paid
):
    used = ledger.reserve(user=seeker, sends=10, reference="send:1")
    ledger.consume(reservation_id=used.pk)
    waiting = ledger.reserve(user=seeker, sends=5, reference="send:2")
    ledger.grant_complimentary_sends(user=other_seeker, sends=3, staff=staff, reason="Welcome")
    theirs = ledger.reserve(user=other_seeker, sends=3, reference="send:3")  # the newest

    _refund(client, paid, 2500)

    assert _status(waiting) == Reservation.Status.CANCELLED
    assert _status(used) == Reservation.Status.CONSUMED
    assert _status(theirs) == Reservation.Status.HELD
    assert ledger.is_held(reservation_id=theirs.pk)


def test_a_small_refund_takes_back_its_share_of_sends_rounded_down(client, seeker, paid):
    _refund(client, paid, 150)  # 1.5 sends' worth of the 25 bought for 2500

    assert ledger.balance(user=seeker) == 24
    refund = LedgerEntry.objects.get(kind="refund")
    assert (refund.sends, refund.purchase, refund.reason) == (-1, paid, "")


def test_a_send_already_leaving_completes_and_the_deficit_is_recorded(client, seeker, paid):
    reservation = ledger.reserve(user=seeker, sends=5, reference="send:1")
    _refund(client, paid, 2500)

    entry = ledger.consume(reservation_id=reservation.pk)  # the emails had left

    assert entry.sends == -5 and "taken back" in entry.reason
    assert ledger.balance(user=seeker) == 0
    assert ledger.ledger_total(paid.account_id) == -5  # owed, paid off by the next credit
    assert ledger.consume(reservation_id=reservation.pk) == entry  # still idempotent


def test_a_deficit_is_paid_off_first_by_the_next_credit(client, seeker, staff, paid):
    reservation = ledger.reserve(user=seeker, sends=5)
    _refund(client, paid, 2500)
    ledger.consume(reservation_id=reservation.pk)

    ledger.grant_complimentary_sends(user=seeker, sends=8, staff=staff, reason="Sorry")

    assert ledger.balance(user=seeker) == 3


def test_a_refund_takes_free_sends_before_reserved_ones(client, seeker, staff, paid):
    ledger.grant_complimentary_sends(user=seeker, sends=5, staff=staff, reason="Welcome")
    reservation = ledger.reserve(user=seeker, sends=5, reference="send:1")

    _refund(client, paid, 2500)

    # 30 in the ledger, 25 taken back: the 5 left still cover the send in progress.
    assert _status(reservation) == Reservation.Status.HELD
    assert ledger.balance(user=seeker) == 0
    ledger.consume(reservation_id=reservation.pk)
    assert ledger.ledger_total(paid.account_id) == 0


def test_a_partial_refund_cancels_only_what_is_no_longer_covered(client, seeker, paid):
    older = ledger.reserve(user=seeker, sends=10, reference="send:1")
    newer = ledger.reserve(user=seeker, sends=10, reference="send:2")

    _refund(client, paid, 1000)  # 10 of the 25 sends

    # 15 left in the ledger cover one reservation of 10: the newest is cancelled.
    assert (_status(older), _status(newer)) == ("held", "cancelled")
    assert ledger.balance(user=seeker) == 5


def test_refunds_never_leave_refunded_sends_spendable_in_any_order(client, seeker, paid):
    first = ledger.reserve(user=seeker, sends=3)
    second = ledger.reserve(user=seeker, sends=4)
    ledger.consume(reservation_id=first.pk)
    _refund(client, paid, 1000)  # 10 sends
    ledger.release(reservation_id=second.pk)
    _refund(client, paid, 2500)

    # 3 used before any refund; everything else went back with the money.
    assert ledger.balance(user=seeker) == 0
    assert ledger.ledger_total(paid.account_id) == 0
    with pytest.raises(ledger.InsufficientSends):
        ledger.reserve(user=seeker, sends=1)


# --- Disputes --------------------------------------------------------------------------------


def test_a_dispute_holds_back_the_unused_sends_and_staff_see_it(client, seeker, paid):
    ledger.spend(user=seeker, sends=10, reference="send:1")

    response = _dispute(client, paid)

    assert response.status_code == 200
    row = Dispute.objects.get()
    assert (row.status, row.held_sends, row.reason, row.amount) == ("open", 15, "fraudulent", 2500)
    assert ledger.balance(user=seeker) == 0
    paid.refresh_from_db()
    assert paid.status == Purchase.Status.DISPUTED
    hold = LedgerEntry.objects.get(kind="dispute_hold")
    assert (hold.sends, hold.purchase, hold.reason) == (-15, paid, "Dispute dp_test_1")


def test_a_dispute_after_a_partial_refund_holds_back_only_the_sends_not_refunded(
    client, seeker, staff, paid
):
    ledger.grant_complimentary_sends(user=seeker, sends=10, staff=staff, reason="Goodwill")
    _refund(client, paid, 1000)  # 10 of the 25 sends taken back
    assert ledger.balance(user=seeker) == 25

    _dispute(client, paid)

    # The 15 bought sends not refunded are held back; the 10 given for free stay.
    assert Dispute.objects.get().held_sends == 15
    assert ledger.balance(user=seeker) == 10


def test_a_dispute_after_a_full_refund_holds_back_nothing_else(client, seeker, staff, paid):
    ledger.grant_complimentary_sends(user=seeker, sends=10, staff=staff, reason="Goodwill")
    _refund(client, paid, 2500)

    _dispute(client, paid)

    assert Dispute.objects.get().held_sends == 0
    assert ledger.balance(user=seeker) == 10
    assert not LedgerEntry.objects.filter(kind="dispute_hold").exists()  # no empty line


def test_a_won_dispute_gives_the_held_sends_back(client, seeker, paid):
    ledger.spend(user=seeker, sends=10)
    _dispute(client, paid)

    _dispute(client, paid, "closed", status="won")

    assert ledger.balance(user=seeker) == 15
    row = Dispute.objects.get()
    assert row.status == Dispute.Status.WON and row.closed_at is not None
    paid.refresh_from_db()
    assert paid.status == Purchase.Status.PAID
    back = LedgerEntry.objects.get(sends__gt=0, purchase=paid, kind="dispute_return")
    assert (back.sends, back.reason) == (15, "Dispute dp_test_1")


def test_a_lost_dispute_removes_them_and_a_later_refund_takes_nothing_more(
    client, seeker, staff, paid
):
    _dispute(client, paid)
    _dispute(client, paid, "closed", status="lost")
    ledger.grant_complimentary_sends(user=seeker, sends=4, staff=staff, reason="Other")

    _refund(client, paid, 2500)

    assert ledger.balance(user=seeker) == 4
    paid.refresh_from_db()
    assert paid.status == Purchase.Status.CHARGED_BACK
    assert not LedgerEntry.objects.filter(kind="refund").exists()


def test_funds_withdrawn_and_created_hold_back_once_in_either_order(client, seeker, paid):
    _dispute(client, paid, "funds_withdrawn")
    _dispute(client, paid, "created")
    _dispute(client, paid, "funds_withdrawn", status="under_review")

    assert LedgerEntry.objects.filter(kind="dispute_hold").count() == 1
    assert ledger.balance(user=seeker) == 0
    assert Dispute.objects.get().stripe_status == "under_review"


def test_an_inquiry_closed_without_a_chargeback_gives_the_sends_back(client, seeker, paid):
    _dispute(client, paid)
    _dispute(client, paid, "closed", status="warning_closed")

    assert ledger.balance(user=seeker) == 25
    assert Dispute.objects.get().status == Dispute.Status.CLOSED


def test_a_refund_during_a_dispute_is_not_given_back_when_the_dispute_closes(client, seeker, paid):
    _dispute(client, paid)
    _refund(client, paid, 2500)
    _dispute(client, paid, "closed", status="charge_refunded")

    assert ledger.balance(user=seeker) == 0
    assert ledger.ledger_total(paid.account_id) == 0


def test_a_dispute_closing_before_the_refund_event_still_ends_at_zero(client, seeker, paid):
    _dispute(client, paid)
    _dispute(client, paid, "closed", status="charge_refunded")
    _refund(client, paid, 2500)

    assert ledger.balance(user=seeker) == 0


def test_a_dispute_cancels_reservations_it_uncovers(client, seeker, paid):
    reservation = ledger.reserve(user=seeker, sends=20, reference="send:1")

    _dispute(client, paid)

    assert _status(reservation) == Reservation.Status.CANCELLED
    assert Dispute.objects.get().held_sends == 25
    _dispute(client, paid, "closed", status="won")
    assert ledger.balance(user=seeker) == 25


def test_a_partial_dispute_holds_back_a_proportional_part(client, seeker, paid):
    _dispute(client, paid, amount=1000)

    assert Dispute.objects.get().held_sends == 10
    assert ledger.balance(user=seeker) == 15


def test_a_dispute_before_the_payment_is_confirmed_applies_when_it_is(client, seeker, purchase):
    deliver(
        client,
        event("checkout.session.completed", checkout_session(purchase, payment_status="unpaid")),
    )
    _dispute(client, purchase)
    assert ledger.balance(user=seeker) == 0

    deliver(client, event("checkout.session.async_payment_succeeded", checkout_session(purchase)))

    assert ledger.balance(user=seeker) == 0
    assert Dispute.objects.get().held_sends == 25
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.DISPUTED


def test_a_dispute_lost_before_the_payment_is_confirmed_counts_its_sends_as_repaid(
    client, seeker, staff, purchase
):
    ledger.grant_complimentary_sends(user=seeker, sends=10, staff=staff, reason="Welcome")
    deliver(
        client,
        event("checkout.session.completed", checkout_session(purchase, payment_status="unpaid")),
    )
    _dispute(client, purchase)
    _dispute(client, purchase, "closed", status="lost")

    deliver(client, event("checkout.session.async_payment_succeeded", checkout_session(purchase)))
    _refund(client, purchase, 2500)  # the same money: nothing more to take back

    assert ledger.balance(user=seeker) == 10
    purchase.refresh_from_db()
    assert (purchase.status, purchase.refunded_sends) == (Purchase.Status.CHARGED_BACK, 25)


def test_a_growing_refund_takes_back_only_its_new_share(client, seeker, staff, paid):
    ledger.grant_complimentary_sends(user=seeker, sends=10, staff=staff, reason="Welcome")

    _refund(client, paid, 1000)
    _refund(client, paid, 2000)  # Stripe's amount_refunded is the running total

    assert ledger.balance(user=seeker) == 15


def test_a_refund_during_a_dispute_counts_the_held_sends_first_then_takes_only_the_rest(
    client, seeker, staff, paid
):
    ledger.spend(user=seeker, sends=10, reference="send:1")
    _dispute(client, paid)  # holds back the 15 unused
    ledger.grant_complimentary_sends(user=seeker, sends=20, staff=staff, reason="Welcome")

    _refund(client, paid, 2500)  # 25 sends: the 15 held, then 10 more

    assert Dispute.objects.get().held_sends == 0
    assert ledger.balance(user=seeker) == 10


def test_a_dispute_holding_a_single_send_counts_it_when_refunded(client, seeker, staff, paid):
    ledger.spend(user=seeker, sends=10, reference="send:1")
    _dispute(client, paid, amount=100)  # one send's worth: holds back one
    assert Dispute.objects.get().held_sends == 1
    ledger.grant_complimentary_sends(user=seeker, sends=20, staff=staff, reason="Welcome")

    _refund(client, paid, 2500)  # 25 sends: the one held, then 24 of the 34 left

    assert Dispute.objects.get().held_sends == 0
    assert ledger.balance(user=seeker) == 10


def test_a_dispute_on_a_payment_we_do_not_know_is_recorded_for_staff(client, seeker, paid):
    response = _dispute(client, paid, payment_intent="pi_someone_else")

    assert response.status_code == 200
    assert response.json() == {"status": "rejected"}
    assert not Dispute.objects.exists()
    assert PaymentProblem.objects.get().problem == PaymentProblem.Problem.UNKNOWN_PAYMENT
    assert ledger.balance(user=seeker) == 25


def test_disputes_store_none_of_the_evidence(client, paid):
    _dispute(client, paid)

    stored = str(list(Dispute.objects.values())) + str(list(WebhookEvent.objects.values()))
    assert "Privacy Street" not in stored and "Sam Seeker" not in stored


def test_a_dispute_without_an_id_is_recorded_for_staff_and_holds_nothing(client, seeker, paid):
    response = _dispute(client, paid, dispute_id="")

    assert response.json() == {"status": "rejected"}
    assert not Dispute.objects.exists()
    assert PaymentProblem.objects.get().problem == PaymentProblem.Problem.UNKNOWN_PAYMENT
    assert ledger.balance(user=seeker) == 25


def test_two_disputes_on_one_payment_are_two_disputes(client, seeker, paid):
    _dispute(client, paid, amount=1000, dispute_id="dp_test_1")
    _dispute(client, paid, amount=500, dispute_id="dp_test_2")

    assert sorted(Dispute.objects.values_list("stripe_dispute_id", "held_sends")) == [
        ("dp_test_1", 10),
        ("dp_test_2", 5),
    ]
    assert ledger.balance(user=seeker) == 10


def test_a_dispute_keeps_its_own_amount_currency_status_and_reason_within_their_sizes(client, paid):
    _dispute(client, paid, amount=0, dispute_id="dp_" + "9" * 300)
    body = dispute(paid, dispute_id="dp_test_2", status="s" * 60)
    body.update(currency="EURO", reason="r" * 60)
    deliver(client, event("charge.dispute.created", body))

    first, second = Dispute.objects.order_by("pk")
    assert (len(first.stripe_dispute_id), first.amount, first.currency) == (255, 0, "gbp")
    assert (second.currency, second.stripe_status, second.reason) == ("eur", "s" * 40, "r" * 40)
    assert first.held_sends == 0


@pytest.mark.parametrize("amount", [-5, "lots", None])
def test_a_dispute_with_a_nonsense_amount_holds_the_whole_purchase(client, paid, amount):
    body = dispute(paid)
    body["amount"] = amount
    deliver(client, event("charge.dispute.created", body))

    assert (Dispute.objects.get().amount, Dispute.objects.get().held_sends) == (2500, 25)


def test_a_dispute_without_status_or_reason_stores_them_empty(client, paid):
    body = dispute(paid)
    del body["status"], body["reason"]
    deliver(client, event("charge.dispute.created", body))

    assert (Dispute.objects.get().stripe_status, Dispute.objects.get().reason) == ("", "")


def test_a_dispute_without_a_payment_is_never_matched_to_one_not_yet_paid(
    client, seeker, paid, plan
):
    Purchase.objects.create(
        account=paid.account, plan=plan, plan_name=plan.name, sends=25, amount=2500
    )  # its payment intent is still empty
    body = dispute(paid)
    del body["payment_intent"]

    assert deliver(client, event("charge.dispute.created", body)).json() == {"status": "rejected"}
    assert not Dispute.objects.exists()
    assert PaymentProblem.objects.get().note == (
        "A dispute on a payment we cannot match to a purchase."
    )


def test_a_dispute_that_moves_to_another_payment_is_recorded_for_staff(client, seeker, paid, plan):
    other = Purchase.objects.create(
        account=paid.account,
        plan=plan,
        plan_name=plan.name,
        sends=25,
        amount=2500,
        stripe_payment_intent_id="pi_test_2",
    )
    _dispute(client, paid)

    response = _dispute(client, paid, payment_intent="pi_test_2")

    assert response.json() == {"status": "rejected"}
    problem = PaymentProblem.objects.get()
    assert (problem.problem, problem.note, problem.purchase_id) == (
        PaymentProblem.Problem.UNKNOWN_PAYMENT,
        "Dispute dp_test_1 moved to another payment.",
        other.pk,
    )
    assert Dispute.objects.get().purchase == paid


# --- Refunds found by either reference ------------------------------------------------------


def test_a_refund_naming_only_the_payment_is_applied(client, seeker, paid):
    body = charge(paid, amount_refunded=2500)
    body["metadata"] = {"purchase_id": "not-a-number"}
    deliver(client, event("charge.refunded", body))

    assert ledger.balance(user=seeker) == 0


def test_a_refund_naming_only_the_purchase_is_applied(client, seeker, paid):
    body = charge(paid, amount_refunded=2500)
    del body["payment_intent"]
    deliver(client, event("charge.refunded", body))

    assert ledger.balance(user=seeker) == 0
    paid.refresh_from_db()
    assert paid.stripe_payment_intent_id == "pi_test_1"


def test_a_refund_naming_nothing_we_know_changes_nothing_and_is_logged(
    client, seeker, paid, caplog
):
    body = charge(paid, amount_refunded=2500)
    del body["payment_intent"], body["metadata"]

    assert deliver(client, event("charge.refunded", body)).status_code == 200

    assert ledger.balance(user=seeker) == 25
    assert "stripe refund for an unknown purchase; ignored" in caplog.messages
