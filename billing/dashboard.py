from __future__ import annotations

from django.http import HttpRequest

from jobletters.dashboard import Panel

from . import gateway, ledger
from .models import Purchase


def panel(request: HttpRequest) -> Panel | None:
    if not request.user.is_authenticated:
        return None
    return Panel(
        template="billing/_panel.html",
        order=30,
        context={
            "balance": ledger.balance(user=request.user),
            "configured": gateway.is_configured(),
            "pending": Purchase.objects.filter(
                account__user=request.user, status=Purchase.Status.PROCESSING
            ).exists(),
        },
    )
