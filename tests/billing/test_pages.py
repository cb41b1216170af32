"""/billing/ and the dashboard panel, as the seeker sees them."""

from __future__ import annotations

import pytest

from billing.ledger import grant_complimentary_sends
from billing.models import BillingAccount, Plan, Purchase


def test_billing_needs_login(client, db):
    response = client.get("/billing/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_without_keys_billing_says_payments_are_not_configured(seeker_client, plan, no_stripe_keys):
    response = seeker_client.get("/billing/")

    assert response.status_code == 200
    html = response.content.decode()
    # A notice (not a card among the plans) that says what it means for the person.
    notice = html.split('id="payments-off"', 1)[1].split("</div>", 1)[0]
    assert "Sends cannot be bought here at the moment." in notice
    assert 'class="notice"' in html and "<article" not in html.split('id="payments-off"')[0][-200:]
    assert "Payments are not configured" not in html
    assert "Not on sale at the moment." in html
    assert b"Starter" in response.content
    assert b"/billing/checkout/starter/" not in response.content


def test_with_keys_plans_can_be_bought(seeker_client, plan, stripe_keys):
    Plan.objects.create(slug="hidden", name="Hidden plan", sends=9, price=900, active=False)

    response = seeker_client.get("/billing/")

    assert b'id="payments-off"' not in response.content
    assert b"Not on sale at the moment." not in response.content
    assert b'href="/billing/checkout/starter/"' in response.content
    assert b"Hidden plan" not in response.content
    assert "£25.00" in response.content.decode()


def test_billing_shows_my_balance_and_only_my_purchases(
    seeker_client, seeker, other_seeker, staff, plan, stripe_keys
):
    grant_complimentary_sends(user=seeker, sends=3, staff=staff, reason="Welcome to Job Letters")
    mine = BillingAccount.objects.get(user=seeker)
    theirs = BillingAccount.objects.create(user=other_seeker)
    Purchase.objects.create(
        account=mine, plan=plan, plan_name="My plan", sends=25, amount=2500, currency="gbp",
        status="processing",
    )  # fmt: skip
    Purchase.objects.create(
        account=theirs, plan=plan, plan_name="Their plan", sends=25, amount=2500,
        currency="gbp", status="paid",
    )  # fmt: skip
    Purchase.objects.create(
        account=mine, plan=plan, plan_name="Abandoned", sends=25, amount=2500, currency="gbp"
    )

    content = seeker_client.get("/billing/").content.decode()

    assert '<strong id="balance">3</strong> recruiter sends' in content
    assert "My plan" in content and "Payment being confirmed" in content
    assert "Their plan" not in content
    assert "Abandoned" not in content  # checkouts never paid are not history
    assert "Welcome to Job Letters" in content


def test_a_cancelled_checkout_says_nothing_was_charged(seeker_client, plan, stripe_keys):
    response = seeker_client.get("/billing/?cancelled=1", follow=True)
    assert b"Nothing was charged" in response.content


def test_billing_page_has_a_fixed_number_of_queries(
    seeker_client, seeker, staff, plan, stripe_keys, django_assert_num_queries, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    grant_complimentary_sends(user=seeker, sends=3, staff=staff, reason="Welcome")
    seeker_client.get("/billing/")
    with CaptureQueriesContext(connection) as few:
        seeker_client.get("/billing/")
    account = BillingAccount.objects.get(user=seeker)
    for n in range(10):
        Plan.objects.create(slug=f"p{n}", name=f"P{n}", sends=n + 1, price=100)
        Purchase.objects.create(
            account=account, plan=plan, plan_name="x", sends=1, amount=1, currency="gbp",
            status="paid",
        )  # fmt: skip
        grant_complimentary_sends(user=seeker, sends=1, staff=staff, reason="More")

    with django_assert_num_queries(len(few.captured_queries)):
        seeker_client.get("/billing/")


@pytest.mark.parametrize("configured", [True, False])
def test_dashboard_panel_shows_the_balance_and_links_to_billing(
    seeker_client, seeker, staff, settings, configured
):
    settings.STRIPE_SECRET_KEY = "sk_test_x" if configured else ""
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x" if configured else ""
    grant_complimentary_sends(user=seeker, sends=4, staff=staff, reason="Welcome")

    content = seeker_client.get("/dashboard/").content.decode()

    assert "Recruiter sends" in content
    assert "<strong>4</strong> sends available" in content
    assert 'href="/billing/"' in content


def test_the_privacy_data_page_lists_billing_records(client, db):
    content = client.get("/privacy/data/").content.decode()
    assert "Billing account" in content
    assert "billing postal code" in content
    assert "Kept for a legal reason" in content


@pytest.mark.parametrize("language", ["en", "fr"])
def test_row_labels_say_what_djangos_display_says(language):
    from django.utils import translation

    from billing.models import LedgerEntry

    with translation.override(language):
        for kind in LedgerEntry.Kind.values:
            entry = LedgerEntry(kind=kind)
            assert entry.kind_label == entry.get_kind_display()
        for status in Purchase.Status.values:
            purchase = Purchase(status=status)
            assert purchase.status_label == purchase.get_status_display()
    # A value no longer among the choices is shown as stored, as Django's does.
    assert LedgerEntry(kind="bonus").kind_label == "bonus"
    assert Purchase(status="on_hold").status_label == "on_hold"
