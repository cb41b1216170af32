from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest

from jobletters.dashboard import Panel
from jobletters.lib.prepared import PreparedQuery

from . import gateway, ledger
from .models import BillingAccount, Purchase


def _summary_query(user_id: int) -> QuerySet[Any]:
    return (
        ledger.with_balance(BillingAccount.objects.filter(user_id=user_id))
        .annotate(
            paying=Exists(
                Purchase.objects.filter(account=OuterRef("pk"), status=Purchase.Status.PROCESSING)
            )
        )
        .values_list("spendable", "paying")
    )


# Every dashboard view runs it: compiled once per connection (building it costs more
# than running it).
_SUMMARY = PreparedQuery(_summary_query, user_id=-987_654_321)


def _summary(user: Any) -> tuple[int, bool]:
    """(sends available, a payment being confirmed), in one query."""
    row = _SUMMARY.first(user_id=user.pk)
    if row is None:
        return 0, False
    spendable, paying = row
    return spendable, bool(paying)


def panel(request: HttpRequest) -> Panel | None:
    if not request.user.is_authenticated:
        return None
    balance, pending = _summary(request.user)
    return Panel(
        template="billing/_panel.html",
        order=30,
        context={"balance": balance, "configured": gateway.is_configured(), "pending": pending},
    )
