from __future__ import annotations

from typing import Any

from django.db.models import Exists, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from jobletters.dashboard import Panel

from . import gateway
from .models import BillingAccount, LedgerEntry, Purchase, Reservation


def _sum_of_sends(entries: QuerySet[Any]) -> Coalesce:
    total = entries.order_by().values("account_id").annotate(s=Sum("sends")).values("s")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def _summary(user: Any) -> tuple[int, bool]:
    """(sends available, a payment being confirmed), in one query.

    The balance is ledger.balance's rule (the ledger minus held reservations,
    never below zero), computed in the same query as the pending payment;
    tests/billing/test_dashboard_panel.py holds the two to the same answers.
    """
    account = OuterRef("pk")
    row = (
        BillingAccount.objects.filter(user=user)
        .annotate(
            ledger_sends=_sum_of_sends(LedgerEntry.objects.filter(account=account)),
            held_sends=_sum_of_sends(
                Reservation.objects.filter(account=account, status=Reservation.Status.HELD)
            ),
            paying=Exists(
                Purchase.objects.filter(account=account, status=Purchase.Status.PROCESSING)
            ),
        )
        .values_list("ledger_sends", "held_sends", "paying")
        .first()
    )
    if row is None:
        return 0, False
    ledger_sends, held_sends, paying = row
    return max(ledger_sends - held_sends, 0), bool(paying)


def panel(request: HttpRequest) -> Panel | None:
    if not request.user.is_authenticated:
        return None
    balance, pending = _summary(request.user)
    return Panel(
        template="billing/_panel.html",
        order=30,
        context={"balance": balance, "configured": gateway.is_configured(), "pending": pending},
    )
