"""/billing/webhook/: verified, idempotent, order-independent Stripe events."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection

from billing.ledger import balance, spend
from billing.models import BillingAccount, LedgerEntry, Purchase, WebhookEvent

from .events import charge, checkout_session, deliver, event, signed

pytestmark = pytest.mark.usefixtures("stripe_keys")


def _completed(purchase, **kwargs):
    return event("checkout.session.completed", checkout_session(purchase, **kwargs))


def test_a_verified_completed_checkout_grants_the_sends_once(client, seeker, purchase):
    response = deliver(client, _completed(purchase))

    assert response.status_code == 200
    assert balance(user=seeker) == 25
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PAID
    assert purchase.paid_at is not None
    assert purchase.stripe_payment_intent_id == "pi_test_1"
    assert LedgerEntry.objects.filter(purchase=purchase, kind="purchase").count() == 1


def test_only_postal_code_and_country_are_kept_from_the_address(client, seeker, purchase):
    deliver(client, _completed(purchase))

    account = BillingAccount.objects.get(user=seeker)
    assert account.billing_postal_code == "SW1A 1AA"
    assert account.billing_country == "GB"
    stored = json.dumps(
        [
            list(model.objects.values())
            for model in (BillingAccount, Purchase, LedgerEntry, WebhookEvent)
        ],
        default=str,
    )
    for secret in ("Privacy Street", "Flat 2", "London", "Sam Seeker", "+44"):
        assert secret not in stored
    # The card's last digits, never the same digits inside a timestamp's microseconds.
    assert not re.search(r"(?<![\d.])4242(?!\d)", stored)


def test_event_bodies_are_not_stored_only_id_type_and_status(client, purchase):
    body = _completed(purchase)
    deliver(client, body)

    row = WebhookEvent.objects.get()
    assert (row.stripe_event_id, row.type, row.status) == (
        body["id"],
        "checkout.session.completed",
        "processed",
    )


@pytest.mark.parametrize(
    "attack",
    ["tampered body", "wrong secret", "missing header", "too old", "garbage header"],
)
def test_bad_signatures_are_rejected_with_400_and_change_nothing(client, seeker, purchase, attack):
    body = _completed(purchase)
    payload, header = signed(body)
    if attack == "tampered body":
        payload = payload.replace('"amount_total": 2500', '"amount_total": 1')
        assert '"amount_total": 1' in payload
    elif attack == "wrong secret":
        payload, header = signed(body, secret="whsec_someone_else")
    elif attack == "too old":
        payload, header = signed(body, timestamp=int(time.time()) - 301)
    elif attack == "garbage header":
        header = "not-a-signature"
    extra = {} if attack == "missing header" else {"HTTP_STRIPE_SIGNATURE": header}

    response = client.post(
        "/billing/webhook/", data=payload, content_type="application/json", **extra
    )

    assert response.status_code == 400
    assert balance(user=seeker) == 0
    assert not WebhookEvent.objects.exists()
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PENDING


def test_a_signature_within_the_300_second_tolerance_is_accepted(client, seeker, purchase):
    response = deliver(client, _completed(purchase), timestamp=int(time.time()) - 290)
    assert response.status_code == 200
    assert balance(user=seeker) == 25


def test_a_validly_signed_body_that_is_not_an_event_is_a_400(client, db):
    assert deliver(client, "this is not json").status_code == 400
    assert deliver(client, {"id": "evt_1", "type": "x", "data": {"object": 3}}).status_code == 400
    assert deliver(client, {"no": "id"}).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_webhook_only_accepts_post(client, db):
    assert client.get("/billing/webhook/").status_code == 405


def test_without_keys_the_webhook_refuses_everything(client, purchase, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert deliver(client, _completed(purchase)).status_code == 503
    assert not LedgerEntry.objects.exists()


def test_the_same_event_delivered_twice_grants_once_and_both_get_200(client, seeker, purchase):
    body = _completed(purchase)

    first = deliver(client, body)
    second = deliver(client, body)

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json() == {"status": "duplicate"}
    assert balance(user=seeker) == 25
    assert WebhookEvent.objects.count() == 1


def test_two_different_events_for_the_same_payment_still_grant_once(client, seeker, purchase):
    deliver(client, _completed(purchase))
    deliver(client, event("checkout.session.async_payment_succeeded", checkout_session(purchase)))

    assert balance(user=seeker) == 25
    assert WebhookEvent.objects.count() == 2


def test_unknown_event_types_get_200_and_are_ignored(client, seeker, purchase):
    response = deliver(client, event("customer.created", {"id": "cus_x", "object": "customer"}))

    assert response.status_code == 200
    assert response.json() == {"status": "ignored"}
    assert WebhookEvent.objects.get().status == "ignored"
    assert balance(user=seeker) == 0


def test_a_session_we_did_not_create_is_ignored(client, seeker, purchase):
    stranger = checkout_session(purchase)
    stranger["id"] = "cs_test_not_ours"
    stranger["client_reference_id"] = "999999"
    stranger["metadata"] = {}

    assert deliver(client, event("checkout.session.completed", stranger)).status_code == 200
    assert balance(user=seeker) == 0


def test_an_unpaid_completion_waits_for_the_async_payment(client, seeker, purchase):
    deliver(client, _completed(purchase, payment_status="unpaid"))
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PROCESSING
    assert balance(user=seeker) == 0

    deliver(client, event("checkout.session.async_payment_succeeded", checkout_session(purchase)))

    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PAID
    assert balance(user=seeker) == 25


def test_a_failed_async_payment_grants_nothing(client, seeker, purchase):
    deliver(client, _completed(purchase, payment_status="unpaid"))
    deliver(
        client,
        event(
            "checkout.session.async_payment_failed",
            checkout_session(purchase, payment_status="unpaid"),
        ),
    )

    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.FAILED
    assert balance(user=seeker) == 0


def test_async_success_arriving_before_the_unpaid_completion(client, seeker, purchase):
    deliver(client, event("checkout.session.async_payment_succeeded", checkout_session(purchase)))
    deliver(client, _completed(purchase, payment_status="unpaid"))

    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PAID
    assert balance(user=seeker) == 25


def test_an_expired_checkout_is_marked_and_grants_nothing(client, seeker, purchase):
    session = checkout_session(purchase, payment_status="unpaid")
    deliver(client, event("checkout.session.expired", session))

    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.EXPIRED
    assert balance(user=seeker) == 0


def test_a_full_refund_takes_back_the_unused_sends(client, seeker, purchase):
    deliver(client, _completed(purchase))
    spend(user=seeker, sends=5, reference="send:1")

    deliver(client, event("charge.refunded", charge(purchase, amount_refunded=2500)))

    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.REFUNDED
    assert purchase.amount_refunded == 2500
    assert balance(user=seeker) == 0
    assert LedgerEntry.objects.get(kind="refund").sends == -20


def test_a_partial_refund_takes_back_a_proportional_part(client, seeker, purchase):
    deliver(client, _completed(purchase))

    deliver(client, event("charge.refunded", charge(purchase, amount_refunded=1000)))
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PARTIALLY_REFUNDED
    assert balance(user=seeker) == 15  # 25 - 25 * 10/25

    # Stripe's amount_refunded is cumulative; the rest of the refund takes the rest.
    deliver(client, event("charge.refunded", charge(purchase, amount_refunded=2500)))
    assert balance(user=seeker) == 0


def test_an_older_refund_event_arriving_late_changes_nothing(client, seeker, purchase):
    deliver(client, _completed(purchase))
    deliver(client, event("charge.refunded", charge(purchase, amount_refunded=2500)))
    deliver(client, event("charge.refunded", charge(purchase, amount_refunded=1000)))

    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.REFUNDED
    assert balance(user=seeker) == 0
    assert LedgerEntry.objects.filter(kind="refund").count() == 1


def test_a_refund_arriving_before_the_payment_confirmation(client, seeker, purchase):
    deliver(client, event("charge.refunded", charge(purchase, amount_refunded=2500)))
    assert balance(user=seeker) == 0

    deliver(client, _completed(purchase))

    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.REFUNDED
    assert balance(user=seeker) == 0
    kinds = sorted(LedgerEntry.objects.values_list("kind", "sends"))
    assert kinds == [("purchase", 25), ("refund", -25)]


def test_a_refund_never_takes_sends_that_were_already_used(client, seeker, purchase):
    deliver(client, _completed(purchase))
    spend(user=seeker, sends=25, reference="send:1")

    deliver(client, event("charge.refunded", charge(purchase, amount_refunded=2500)))

    assert balance(user=seeker) == 0
    assert not LedgerEntry.objects.filter(kind="refund").exists()


def _post(url: str, payload: str, header: str) -> int:
    request = urllib.request.Request(
        url + "/billing/webhook/",
        data=payload.encode(),
        headers={"Content-Type": "application/json", "Stripe-Signature": header},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _deliver_concurrently(url: str, body: dict, copies: int) -> list[int]:
    """POST the same signed event from several threads at once, like Stripe retrying."""
    payload, header = signed(body)
    barrier = threading.Barrier(copies)
    statuses: list[int] = []

    def post() -> None:
        barrier.wait()
        statuses.append(_post(url, payload, header))

    threads = [threading.Thread(target=post) for _ in range(copies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(statuses)


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_deliveries_grant_exactly_once(live_server, seeker, plan):
    account = BillingAccount.objects.create(user=seeker)
    purchase = Purchase.objects.create(
        account=account,
        plan=plan,
        plan_name=plan.name,
        sends=25,
        amount=2500,
        currency="gbp",
        stripe_checkout_session_id="cs_test_concurrent",
    )
    body = _completed(purchase)

    statuses = _deliver_concurrently(live_server.url, body, copies=8)

    if connection.vendor == "postgresql":
        # The duplicates wait on the first delivery's uncommitted event row, then
        # see it: every copy is acknowledged, none is applied twice.
        assert statuses == [200] * 8
    else:
        # SQLite's in-memory test database refuses a second writer outright
        # ("table is locked") instead of waiting: those copies get a 500, and Stripe
        # redelivers a non-2xx event later. Redeliver them; they must be duplicates.
        assert set(statuses) <= {200, 500} and 200 in statuses
        payload, header = signed(body)
        for _ in range(statuses.count(500)):
            assert _post(live_server.url, payload, header) == 200
    assert balance(user=seeker) == 25
    assert LedgerEntry.objects.filter(kind="purchase").count() == 1
    assert WebhookEvent.objects.count() == 1


def test_the_person_gets_one_email_when_the_sends_are_added(
    client, seeker, purchase, mailoutbox, django_capture_on_commit_callbacks
):
    body = _completed(purchase)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, body)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, body)

    (message,) = mailoutbox
    assert message.to == ["seeker@example.com"]
    assert message.subject == "25 recruiter sends added to your Job Letters account"
    assert "£25.00" in message.body and "you now have 25 available" in message.body
    assert "SW1A" not in message.body and "Privacy Street" not in message.body


def test_the_database_refuses_a_second_grant_for_one_purchase(seeker, purchase):
    from django.db import IntegrityError, transaction

    LedgerEntry.objects.create(
        account=purchase.account, kind="purchase", sends=25, purchase=purchase
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            account=purchase.account, kind="purchase", sends=25, purchase=purchase
        )
