"""A paid checkout grants sends only when it matches what we sold: mode, amount, currency, session.

Anything else is recorded for staff (PaymentProblem) and grants nothing; Stripe
still gets a 200 because redelivering the same event cannot fix it.
"""

from __future__ import annotations

import pytest

from billing import ledger
from billing.models import LedgerEntry, PaymentProblem, Purchase, WebhookEvent
from jobletters.models import OutboxEntry
from tests.utils import run_outbox

from .events import checkout_session, deliver, event

pytestmark = pytest.mark.usefixtures("stripe_keys")


def _completed(purchase, *, livemode=False, **session_changes):
    session = checkout_session(purchase)
    session.update(session_changes)
    return event("checkout.session.completed", session, livemode=livemode)


def _refused(response, seeker, problem: str) -> PaymentProblem:
    assert response.status_code == 200
    assert response.json() == {"status": "rejected"}
    assert ledger.balance(user=seeker) == 0
    assert not LedgerEntry.objects.exists()
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.REJECTED
    row = PaymentProblem.objects.get()
    assert row.problem == problem
    event = WebhookEvent.objects.get()
    assert (row.stripe_event_id, row.event_type) == (event.stripe_event_id, event.type)
    return row


def test_a_live_mode_event_under_a_test_key_grants_nothing(client, seeker, purchase):
    row = _refused(deliver(client, _completed(purchase, livemode=True)), seeker, "livemode")

    assert row.purchase == purchase
    assert "live-mode event" in row.note and "test key" in row.note
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PENDING


def test_a_test_mode_event_under_a_live_key_grants_nothing(client, seeker, purchase, settings):
    settings.STRIPE_SECRET_KEY = "sk_live_job_letters"

    row = _refused(deliver(client, _completed(purchase)), seeker, "livemode")

    assert row.note == "A test-mode event, but the key in use is a live key."


def test_a_live_event_under_a_live_key_is_applied(client, seeker, purchase, settings):
    settings.STRIPE_SECRET_KEY = "sk_live_job_letters"
    session = checkout_session(purchase)
    session["livemode"] = True

    deliver(client, event("checkout.session.completed", session, livemode=True))

    assert ledger.balance(user=seeker) == 25


def test_an_amount_that_differs_from_the_purchase_grants_nothing(client, seeker, purchase):
    row = _refused(deliver(client, _completed(purchase, amount_total=100)), seeker, "amount")

    assert row.note == "Paid 100 GBP, the purchase costs 2500."
    assert row.purchase == purchase
    purchase.refresh_from_db()
    assert purchase.amount == 2500  # never overwritten by what Stripe says


def test_a_currency_that_differs_grants_nothing(client, seeker, purchase):
    row = _refused(deliver(client, _completed(purchase, currency="jpy")), seeker, "currency")

    assert (row.note, row.purchase) == ("Paid in JPY, the purchase is in GBP.", purchase)


def test_a_payment_without_a_currency_grants_nothing(client, seeker, purchase):
    row = _refused(deliver(client, _completed(purchase, currency=None)), seeker, "currency")

    assert row.note == "Paid in no currency, the purchase is in GBP."


def test_a_live_mode_payment_inside_a_test_mode_event_grants_nothing(client, seeker, purchase):
    body = _completed(purchase)
    body["data"]["object"]["livemode"] = True

    _refused(deliver(client, body), seeker, "livemode")


def test_a_session_id_that_is_not_the_purchase_s_grants_nothing(client, seeker, purchase):
    # Names our purchase in its metadata, but it is not the session we created for it.
    row = _refused(
        deliver(client, _completed(purchase, id="cs_test_someone_else")),
        seeker,
        "unknown_session",
    )

    assert row.purchase == purchase
    assert row.note == f"A checkout session we did not create names purchase #{purchase.pk}."


def test_a_session_naming_no_purchase_of_ours_grants_nothing(client, seeker, purchase):
    body = _completed(purchase, id="cs_test_someone_else", client_reference_id=None, metadata={})

    row = _refused(deliver(client, body), seeker, "unknown_session")

    assert (row.note, row.purchase) == ("A checkout session we did not create.", None)


def test_a_purchase_whose_session_was_never_saved_cannot_be_claimed(client, seeker, purchase):
    Purchase.objects.filter(pk=purchase.pk).update(stripe_checkout_session_id="")

    _refused(deliver(client, _completed(purchase, id="cs_test_new")), seeker, "unknown_session")


def test_the_same_rejected_event_again_is_a_duplicate(client, seeker, purchase):
    body = _completed(purchase, amount_total=1)
    deliver(client, body)

    assert deliver(client, body).json() == {"status": "duplicate"}
    assert PaymentProblem.objects.count() == 1


def test_a_malformed_livemode_is_a_400(client, purchase):
    body = _completed(purchase)
    body["livemode"] = "yes"

    assert deliver(client, body).status_code == 400


# --- The confirmation email, exactly once -----------------------------------------------


def test_the_confirmation_email_is_queued_once_and_sent_once(
    client, seeker, purchase, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, _completed(purchase))
        deliver(
            client, event("checkout.session.async_payment_succeeded", checkout_session(purchase))
        )
    run_outbox()
    run_outbox()  # the sweeper again, or a redelivered task: nothing left to send

    (entry,) = OutboxEntry.objects.filter(key=f"purchase-confirmed:{purchase.pk}")
    assert entry.person == seeker
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "25 recruiter sends added to your Job Letters account"


def test_a_redelivered_email_task_sends_nothing_more(
    client, seeker, purchase, mailoutbox, django_capture_on_commit_callbacks
):
    from jobletters import outbox

    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, _completed(purchase))
    entry = OutboxEntry.objects.get(key=f"purchase-confirmed:{purchase.pk}")
    run_outbox()

    outbox.run_entry(entry.pk)  # what a worker does with a redelivered message

    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("reference", "metadata", "names_it"),
    [
        ("{pk}", {}, True),
        (None, {"purchase_id": "{pk}"}, True),
        ("", None, False),
        ("cs_{pk}", {"purchase_id": "-{pk}"}, False),
        ("999999", {}, False),
    ],
)
def test_a_rejected_event_names_our_purchase_only_when_it_names_one_that_exists(
    client, seeker, purchase, reference, metadata, names_it
):
    session = checkout_session(purchase)
    session["client_reference_id"] = reference and reference.format(pk=purchase.pk)
    session["metadata"] = metadata and {k: v.format(pk=purchase.pk) for k, v in metadata.items()}
    body = event("checkout.session.completed", session, livemode=True)

    row = _refused(deliver(client, body), seeker, "livemode")

    assert row.purchase_id == (purchase.pk if names_it else None)


def test_the_operations_log_says_which_event_was_refused_and_why(client, seeker, purchase, caplog):
    # The on-call person follows refused payments in the log, at warning level.
    caplog.set_level("INFO", logger="billing.stripe_events")
    _refused(deliver(client, _completed(purchase, currency="jpy")), seeker, "currency")

    logged = [
        (r.levelname, r.getMessage()) for r in caplog.records if r.name == "billing.stripe_events"
    ]
    assert logged == [
        ("WARNING", "stripe event rejected type=checkout.session.completed problem=currency"),
        ("INFO", "stripe event handled type=checkout.session.completed status=rejected"),
    ]


def test_the_operations_log_counts_every_event_handled(client, seeker, purchase, caplog):
    caplog.set_level("INFO", logger="billing.stripe_events")
    deliver(client, _completed(purchase))
    deliver(client, event("customer.created", {"id": "cus_1"}))

    logged = [
        (r.levelname, r.getMessage()) for r in caplog.records if r.name == "billing.stripe_events"
    ]
    assert logged == [
        ("INFO", "stripe event handled type=checkout.session.completed status=processed"),
        ("INFO", "stripe event handled type=customer.created status=ignored"),
    ]
