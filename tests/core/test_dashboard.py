"""The dashboard's panels: the billing panel's one-query balance agrees with the ledger."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from billing import ledger
from billing.dashboard import panel as billing_panel
from billing.models import LedgerEntry, Purchase


def _panel(user) -> dict:
    request = RequestFactory().get("/dashboard/")
    request.user = user
    return billing_panel(request).context


def _agrees(user) -> int:
    balance = _panel(user)["balance"]
    assert balance == ledger.balance(user=user)
    return balance


def test_no_billing_account_means_no_sends(seeker):
    assert _agrees(seeker) == 0
    assert _panel(seeker)["pending"] is False


def test_grants_held_sends_and_a_deficit(seeker, staff):
    ledger.grant_complimentary_sends(user=seeker, sends=5, staff=staff, reason="Welcome")
    assert _agrees(seeker) == 5
    reservation = ledger.reserve(user=seeker, sends=2)
    assert _agrees(seeker) == 3
    ledger.consume(reservation_id=reservation.pk, sends=1)
    assert _agrees(seeker) == 4
    ledger.reserve(user=seeker, sends=4)
    LedgerEntry.objects.create(
        account=ledger.account_for(seeker), kind=LedgerEntry.Kind.REFUND, sends=-3
    )
    assert _agrees(seeker) == 0  # held beyond the ledger: never below zero


def test_a_payment_being_confirmed_shows(seeker):
    account = ledger.account_for(seeker)
    Purchase.objects.create(
        account=account,
        plan_name="Starter",
        sends=25,
        amount=2500,
        currency="gbp",
        status=Purchase.Status.PROCESSING,
    )
    assert _panel(seeker)["pending"] is True


@pytest.mark.django_db
def test_the_panel_is_one_query(seeker, staff, django_assert_num_queries):
    ledger.grant_complimentary_sends(user=seeker, sends=5, staff=staff, reason="Welcome")
    ledger.reserve(user=seeker, sends=1)
    with django_assert_num_queries(1):
        _panel(seeker)
