"""Demo plans, and a complimentary grant so the demo seeker can try a send."""

from __future__ import annotations

from typing import Any

from jobletters import demo

from .ledger import grant_complimentary_sends
from .models import LedgerEntry, Plan

PLANS = [
    {"slug": "starter", "name": "Starter", "sends": 25, "price": 2500, "position": 1},
    {"slug": "standard", "name": "Standard", "sends": 100, "price": 7900, "position": 2},
    {"slug": "wide", "name": "Wide search", "sends": 250, "price": 14900, "position": 3},
]
DEMO_REASON = "Demo: welcome sends"


@demo.register
def load(*, seeker: Any, staff: Any, stdout: Any) -> None:
    for plan in PLANS:
        Plan.objects.update_or_create(
            slug=plan["slug"], defaults={**plan, "currency": "gbp", "active": True}
        )
    if not LedgerEntry.objects.filter(account__user=seeker, reason=DEMO_REASON).exists():
        grant_complimentary_sends(user=seeker, sends=5, staff=staff, reason=DEMO_REASON)
    stdout.write(f"billing: {len(PLANS)} plans; demo seeker has complimentary sends.")
