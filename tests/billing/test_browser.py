"""Buying a plan in Chromium through the local Stripe double, ending with the balance shown."""

from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import expect

from billing.models import Purchase
from tests.factories import DEFAULT_PASSWORD

from .events import checkout_session, event, signed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _deliver_webhook(base_url: str, body: dict) -> int:
    payload, header = signed(body)
    request = urllib.request.Request(
        base_url + "/billing/webhook/",
        data=payload.encode(),
        headers={"Content-Type": "application/json", "Stripe-Signature": header},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_buy_a_plan_and_see_the_sends_after_the_webhook(
    live_server, live_browser, stripe_double, seeker, plan, settings
):
    settings.SITE_URL = live_server.url
    page = live_browser
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(seeker.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")
    expect(page.get_by_text("0 sends available")).to_be_visible()

    page.get_by_role("link", name="Billing", exact=True).click()
    page.get_by_role("button", name="Buy Starter").click()
    page.get_by_role("button", name="Continue to secure payment").click()

    page.wait_for_url(f"{stripe_double.url}/pay/**")
    expect(page.get_by_text("Starter: 25 recruiter sends")).to_be_visible()
    page.get_by_role("button", name="Pay").click()

    page.wait_for_url(f"{live_server.url}/billing/success/?session_id=cs_test_*")
    expect(page.get_by_role("heading", name="Payment being confirmed")).to_be_visible()

    purchase = Purchase.objects.get()
    assert purchase.stripe_checkout_session_id in stripe_double.paid
    body = event("checkout.session.completed", checkout_session(purchase))
    assert _deliver_webhook(live_server.url, body) == 200

    # The page checks again by itself (static/js/billing.js) and shows the new balance.
    expect(page.get_by_role("heading", name="Payment confirmed")).to_be_visible()
    expect(page.locator("#balance")).to_have_text("25")


def test_a_local_test_payment_from_the_plans_to_the_credited_balance(
    live_server, live_browser, local_payments, seeker, plan
):
    """What make run offers without Stripe keys: Pay sends the signed webhook itself."""
    page = live_browser
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(seeker.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")

    page.goto(live_server.url + "/billing/")
    page.get_by_role("button", name="Buy Starter").click()
    expect(page.locator("#local-test-payments")).to_contain_text("no money moves")
    page.get_by_role("button", name="Continue to secure payment").click()

    page.wait_for_url(f"{local_payments.url}/pay/**")
    expect(page.get_by_text("Test payment — no money moves")).to_be_visible()
    expect(page.get_by_text("25.00 GBP")).to_be_visible()
    page.get_by_role("button", name="Pay").click()

    page.wait_for_url(f"{live_server.url}/billing/success/?session_id=cs_test_*")
    expect(page.get_by_role("heading", name="Payment confirmed")).to_be_visible()
    expect(page.locator("#balance")).to_have_text("25")
