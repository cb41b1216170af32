"""/billing/checkout/<plan>/ against a local Stripe double reached through STRIPE_API_BASE."""

from __future__ import annotations

import pytest

from billing.ledger import balance
from billing.models import BillingAccount, Plan, Purchase

from .events import checkout_session, deliver, event


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = "https://jobletters.test"
    return settings.SITE_URL


def test_checkout_page_shows_the_plan_before_paying(seeker_client, plan, stripe_double):
    response = seeker_client.get("/billing/checkout/starter/")

    assert response.status_code == 200
    assert b"25</strong> recruiter sends" in response.content
    assert "£25.00" in response.content.decode()
    assert stripe_double.requests == []  # looking costs nothing


def test_checkout_creates_a_stripe_session_with_the_right_parameters(
    seeker_client, seeker, plan, stripe_double, site_url
):
    response = seeker_client.post("/billing/checkout/starter/")

    purchase = Purchase.objects.get()
    (session_call,) = stripe_double.calls("/v1/checkout/sessions")
    (customer_call,) = stripe_double.calls("/v1/customers")
    session_id = purchase.stripe_checkout_session_id
    assert response.status_code == 303
    assert response["Location"] == f"{stripe_double.url}/pay/{session_id}"

    account = BillingAccount.objects.get(user=seeker)
    assert customer_call.params["email"] == "seeker@example.com"
    assert customer_call.headers["authorization"] == "Bearer sk_test_job_letters"
    assert account.stripe_customer_id.startswith("cus_test_")
    assert session_call.params == {
        "mode": "payment",
        "customer": account.stripe_customer_id,
        "client_reference_id": str(purchase.pk),
        "line_items[0][price_data][currency]": "gbp",
        "line_items[0][price_data][unit_amount]": "2500",
        "line_items[0][price_data][product_data][name]": "Starter: 25 recruiter sends",
        "line_items[0][quantity]": "1",
        "billing_address_collection": "required",
        "metadata[purchase_id]": str(purchase.pk),
        "payment_intent_data[metadata][purchase_id]": str(purchase.pk),
        "success_url": f"{site_url}/billing/success/?session_id={{CHECKOUT_SESSION_ID}}",
        "cancel_url": f"{site_url}/billing/?cancelled=1",
    }
    assert session_call.headers["idempotency-key"] == f"jl-checkout-{purchase.pk}"
    # Starting a checkout grants nothing.
    assert purchase.status == Purchase.Status.PENDING
    assert (purchase.sends, purchase.amount, purchase.currency) == (25, 2500, "gbp")
    assert balance(user=seeker) == 0


def test_a_plan_with_a_stripe_price_uses_it(seeker_client, plan, stripe_double):
    plan.stripe_price_id = "price_123"
    plan.save()

    seeker_client.post("/billing/checkout/starter/")

    (session_call,) = stripe_double.calls("/v1/checkout/sessions")
    assert session_call.params["line_items[0][price]"] == "price_123"
    assert "line_items[0][price_data][unit_amount]" not in session_call.params


def test_the_stripe_customer_is_created_once_and_reused(seeker_client, plan, stripe_double):
    seeker_client.post("/billing/checkout/starter/")
    seeker_client.post("/billing/checkout/starter/")

    assert len(stripe_double.calls("/v1/customers")) == 1
    customers = {c.params["customer"] for c in stripe_double.calls("/v1/checkout/sessions")}
    assert len(customers) == 1
    assert Purchase.objects.count() == 2


def test_each_person_gets_their_own_customer(
    seeker_client, other_seeker_client, plan, stripe_double
):
    seeker_client.post("/billing/checkout/starter/")
    other_seeker_client.post("/billing/checkout/starter/")

    customers = {c.params["customer"] for c in stripe_double.calls("/v1/checkout/sessions")}
    assert len(customers) == 2


def test_when_stripe_fails_nothing_is_left_behind(seeker_client, plan, stripe_double):
    stripe_double.fail_with = 400

    response = seeker_client.post("/billing/checkout/starter/", follow=True)

    assert response.status_code == 200
    assert b"could not reach our payment provider" in response.content
    assert not Purchase.objects.exists()


def test_inactive_or_unknown_plans_are_404(seeker_client, plan, stripe_double):
    Plan.objects.create(slug="old", name="Old", sends=5, price=500, active=False)
    assert seeker_client.get("/billing/checkout/old/").status_code == 404
    assert seeker_client.post("/billing/checkout/old/").status_code == 404
    assert seeker_client.post("/billing/checkout/nope/").status_code == 404
    assert stripe_double.requests == []


def test_checkout_needs_login(client, plan, stripe_double):
    response = client.post("/billing/checkout/starter/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert stripe_double.requests == []


def test_without_keys_checkout_says_payments_are_not_configured(
    seeker_client, plan, no_stripe_keys
):
    response = seeker_client.post("/billing/checkout/starter/", follow=True)

    assert b"Sends cannot be bought here at the moment" in response.content
    assert not Purchase.objects.exists()


def test_success_page_waits_for_the_webhook_then_shows_the_balance(
    client, seeker_client, seeker, plan, stripe_double
):
    seeker_client.post("/billing/checkout/starter/")
    purchase = Purchase.objects.get()
    url = f"/billing/success/?session_id={purchase.stripe_checkout_session_id}"

    waiting = seeker_client.get(url)
    assert b"Payment being confirmed" in waiting.content
    assert b"js/billing.js" in waiting.content
    assert balance(user=seeker) == 0  # visiting the success page grants nothing

    deliver(client, event("checkout.session.completed", checkout_session(purchase)))

    done = seeker_client.get(url)
    assert b"Payment confirmed" in done.content
    assert b'<strong id="balance">25</strong>' in done.content
    assert b"js/billing.js" not in done.content


def test_someone_elses_success_page_is_404(other_seeker_client, purchase):
    url = f"/billing/success/?session_id={purchase.stripe_checkout_session_id}"
    assert other_seeker_client.get(url).status_code == 404
    assert other_seeker_client.get("/billing/success/").status_code == 404


def test_starting_many_unpaid_checkouts_is_limited(seeker_client, plan, stripe_double):
    from billing.checkout import MAX_OPEN_CHECKOUTS_PER_HOUR

    for _ in range(MAX_OPEN_CHECKOUTS_PER_HOUR):
        assert seeker_client.post("/billing/checkout/starter/").status_code == 303

    response = seeker_client.post("/billing/checkout/starter/")

    assert response.status_code == 429
    assert b"started many checkouts" in response.content
    assert len(stripe_double.calls("/v1/checkout/sessions")) == MAX_OPEN_CHECKOUTS_PER_HOUR
