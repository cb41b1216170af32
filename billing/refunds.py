"""Staff refunds: ask Stripe; the ledger follows when Stripe confirms with ``charge.refunded``."""

from __future__ import annotations

from typing import Any

from . import gateway
from .models import Purchase


class RefundNotPossible(Exception):
    pass


def request_refund(*, purchase_id: int, staff: Any) -> str:
    """Ask Stripe to refund a purchase in full; returns Stripe's refund id."""
    if not getattr(staff, "is_staff", False):
        raise PermissionError("Only staff can refund.")
    purchase = Purchase.objects.get(pk=purchase_id)
    if purchase.status not in (Purchase.Status.PAID, Purchase.Status.PARTIALLY_REFUNDED):
        raise RefundNotPossible(f"Purchase #{purchase.pk} is {purchase.get_status_display()}.")
    if not purchase.stripe_payment_intent_id:
        raise RefundNotPossible(f"Purchase #{purchase.pk} has no Stripe payment.")
    try:
        return gateway.create_refund(
            payment_intent_id=purchase.stripe_payment_intent_id,
            idempotency_key=f"jl-refund-{purchase.pk}-{purchase.amount_refunded}",
        )
    except gateway.stripe.StripeError as exc:
        raise RefundNotPossible(
            f"Stripe refused the refund of purchase #{purchase.pk}: {exc.user_message or exc}"
        ) from exc
