from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.http import HttpRequest

from jobletters.dashboard import Panel, register

from . import gateway, ledger
from .models import BillingAccount, Purchase


def _summary(user: Any) -> tuple[int, bool]:
    """(sends available, a payment being confirmed), in one query."""
    row = (
        ledger.with_balance(BillingAccount.objects.filter(user_id=user.pk))
        .annotate(
            paying=Exists(
                Purchase.objects.filter(account=OuterRef("pk"), status=Purchase.Status.PROCESSING)
            )
        )
        .values_list("spendable", "paying")
        .first()
    )
    if row is None:
        return 0, False
    spendable, paying = row
    return spendable, bool(paying)


@register
def panel(request: HttpRequest) -> Panel | None:
    if not request.user.is_authenticated:
        return None
    balance, pending = _summary(request.user)
    return Panel(
        template="billing/_panel.html",
        order=30,
        context={"balance": balance, "configured": gateway.is_configured(), "pending": pending},
    )
