"""The dashboard's billing panel also says when a payment is being confirmed.

That its balance agrees with the ledger, in one query, is in
tests/billing/test_dashboard_panel.py.
"""

from __future__ import annotations

from django.test import RequestFactory

from billing import ledger
from billing.dashboard import panel as billing_panel
from billing.models import Purchase


def _panel(user) -> dict:
    request = RequestFactory().get("/dashboard/")
    request.user = user
    return billing_panel(request).context


def test_no_billing_account_means_nothing_pending(seeker):
    assert _panel(seeker) | {"configured": None} == {
        "balance": 0,
        "pending": False,
        "configured": None,
    }


def test_a_payment_being_confirmed_shows(seeker):
    Purchase.objects.create(
        account=ledger.account_for(seeker),
        plan_name="Starter",
        sends=25,
        amount=2500,
        currency="gbp",
        status=Purchase.Status.PROCESSING,
    )
    assert _panel(seeker)["pending"] is True
    assert _panel(seeker)["balance"] == 0
