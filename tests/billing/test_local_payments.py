"""Local test payments (billing.local_stripe): a purchase end to end without Stripe keys,
and never with DEBUG off."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from billing import ledger, local_stripe
from billing.checks import check_no_local_test_payments
from billing.models import Purchase, WebhookEvent
from billing.refunds import request_refund
from tests.utils import wait_until

BASE_DIR = Path(__file__).resolve().parents[2]

_PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-like-secret-key-for-this-test-only-0123456789",
    "ALLOWED_HOSTS": "jobletters.example",
    "SITE_URL": "https://jobletters.example",
    "MFA_ENCRYPTION_KEYS": "ZGV2LW9ubHktbWZhLWtleS1ub3QtZm9yLXByb2QhISE=",
}


def _settings_in_a_fresh_process(tmp_path, **env: str) -> subprocess.CompletedProcess:
    """Start Django with these variables (and none of the caller's STRIPE_* ones)."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("STRIPE_", "LOCAL_", "DEBUG", "SITE_URL"))
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET, "
            "settings.STRIPE_API_BASE)",
        ],
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "JOBLETTERS_VAR_DIR": str(tmp_path),
            **env,
        },
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_refuse_local_test_payments_when_debug_is_off(tmp_path):
    refused = _settings_in_a_fresh_process(tmp_path, **_PRODUCTION, LOCAL_TEST_PAYMENTS="true")
    assert refused.returncode != 0
    assert "LOCAL_TEST_PAYMENTS fakes payments: it cannot be on when DEBUG is off" in (
        refused.stderr
    )

    # The same production settings start without it.
    production = _settings_in_a_fresh_process(tmp_path, **_PRODUCTION)
    assert production.returncode == 0, production.stderr


def test_local_test_payments_point_billing_at_the_local_service_and_never_beside_real_keys(
    tmp_path,
):
    local = _settings_in_a_fresh_process(
        tmp_path, DEBUG="true", LOCAL_TEST_PAYMENTS="true", LOCAL_STRIPE_PORT="8997"
    )
    assert local.returncode == 0, local.stderr
    assert local.stdout.split() == [
        local_stripe.SECRET_KEY,
        local_stripe.WEBHOOK_SECRET,
        "http://127.0.0.1:8997",
    ]

    both = _settings_in_a_fresh_process(
        tmp_path, DEBUG="true", LOCAL_TEST_PAYMENTS="true", STRIPE_SECRET_KEY="sk_test_real"
    )
    assert both.returncode != 0
    assert "LOCAL_TEST_PAYMENTS replaces Stripe" in both.stderr


def test_the_local_payment_service_does_not_start_with_debug_off(settings):
    settings.DEBUG = False
    settings.LOCAL_TEST_PAYMENTS = True
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("local_stripe")

    settings.DEBUG = True
    settings.LOCAL_TEST_PAYMENTS = False
    with pytest.raises(CommandError, match="LOCAL_TEST_PAYMENTS is off"):
        call_command("local_stripe")


def test_the_system_check_fails_on_local_test_payments_with_debug_off(settings):
    settings.DEBUG = False
    settings.LOCAL_TEST_PAYMENTS = False
    settings.STRIPE_SECRET_KEY = "sk_live_real"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_real"
    assert check_no_local_test_payments() == []

    settings.LOCAL_TEST_PAYMENTS = True
    assert [e.id for e in check_no_local_test_payments()] == ["billing.E001"]

    settings.LOCAL_TEST_PAYMENTS = False
    settings.STRIPE_WEBHOOK_SECRET = local_stripe.WEBHOOK_SECRET  # the local key, copied
    assert [e.id for e in check_no_local_test_payments()] == ["billing.E001"]

    settings.DEBUG = True  # on a developer's machine it is what make run uses
    settings.LOCAL_TEST_PAYMENTS = True
    assert check_no_local_test_payments() == []


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.django_db(transaction=True)
def test_a_local_test_payment_is_credited_through_the_real_webhook(
    local_payments, live_server, seeker, seeker_client, plan, staff
):
    page = seeker_client.get(f"/billing/checkout/{plan.slug}/").content.decode()
    assert "Test payment — no money moves." in page

    response = seeker_client.post(f"/billing/checkout/{plan.slug}/")
    assert response.status_code == 303
    checkout_url = response["Location"]
    assert checkout_url.startswith(local_payments.url + "/pay/cs_test_")

    with urllib.request.urlopen(checkout_url, timeout=10) as page:
        text = page.read().decode()
    assert "Test payment — no money moves" in text
    assert "Starter: 25 recruiter sends" in text and "25.00 GBP" in text

    # Pay: a signed checkout.session.completed to the real webhook view, then back.
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as paid:
        opener.open(urllib.request.Request(checkout_url, data=b"", method="POST"), timeout=10)
    assert paid.value.code == 303
    purchase = Purchase.objects.get()
    assert paid.value.headers["Location"] == (
        f"{live_server.url}/billing/success/?session_id={purchase.stripe_checkout_session_id}"
    )
    ((event, outcome),) = local_payments.sent_events
    assert (event["type"], outcome) == ("checkout.session.completed", "200")
    assert WebhookEvent.objects.get(stripe_event_id=event["id"]).status == "processed"

    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PAID
    assert purchase.stripe_payment_intent_id.startswith("pi_test_")
    assert ledger.balance(user=seeker) == 25
    success = seeker_client.get(paid.value.headers["Location"].removeprefix(live_server.url))
    assert "Payment confirmed" in success.content.decode()

    # Paying the same checkout twice sends nothing more and credits nothing more.
    with pytest.raises(urllib.error.HTTPError):
        opener.open(urllib.request.Request(checkout_url, data=b"", method="POST"), timeout=10)
    assert len(local_payments.sent_events) == 1 and ledger.balance(user=seeker) == 25

    # A refund by staff is answered with a signed charge.refunded: the sends go back.
    request_refund(purchase_id=purchase.pk, staff=staff)
    assert wait_until(lambda: ledger.balance(user=seeker) == 0, timeout=10)
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.REFUNDED


def test_with_stripe_configured_the_checkout_page_says_nothing_of_test_payments(
    seeker_client, plan, stripe_double
):
    page = seeker_client.get(f"/billing/checkout/{plan.slug}/").content.decode()
    assert "Continue to secure payment" in page
    assert "no money moves" not in page
