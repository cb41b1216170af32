"""The dashboard's billing panel shows what the ledger says, in one query."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from billing import dashboard, ledger
from billing.models import LedgerEntry, Reservation


def _panel_balance(user) -> int:
    request = RequestFactory().get("/dashboard/")
    request.user = user
    return dashboard.panel(request).context["balance"]


@pytest.mark.parametrize(
    ("entries", "held"),
    [
        ([], []),
        ([10], []),
        ([10, -3], [4]),
        ([5], [5, 2]),  # more held than the ledger has (a refund cancelled nothing yet)
        ([5, -9], []),  # a deficit
    ],
)
def test_the_panel_and_the_ledger_agree(seeker, staff, entries, held):
    if entries or held:
        account = ledger.account_for(seeker)
        for sends in entries:
            LedgerEntry.objects.create(account=account, kind="complimentary", sends=sends)
        for sends in held:
            Reservation.objects.create(account=account, sends=sends)

    assert _panel_balance(seeker) == ledger.balance(user=seeker) >= 0


def test_the_panel_costs_one_query(seeker, staff, django_assert_num_queries):
    ledger.grant_complimentary_sends(user=seeker, sends=3, staff=staff, reason="Welcome")
    with django_assert_num_queries(1):
        assert _panel_balance(seeker) == 3
