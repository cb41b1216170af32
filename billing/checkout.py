"""Starting a Stripe Checkout for a plan: a pending purchase and its Checkout Session.

Nothing is credited here: only a verified ``checkout.session.completed`` for the
session created here does that (``billing.stripe_events``).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.utils import timezone

from . import gateway
from .ledger import account_for
from .models import BillingAccount, Plan, Purchase

logger = logging.getLogger(__name__)

MAX_OPEN_CHECKOUTS_PER_HOUR = 10


class CheckoutUnavailable(Exception):
    """Stripe could not start a checkout; nothing was charged."""


class TooManyCheckouts(Exception):
    """Too many unpaid checkouts started recently (each one is a call to Stripe)."""


def start_checkout(*, user: Any, plan: Plan, success_url: str, cancel_url: str) -> str:
    """Create a pending purchase and its Stripe Checkout Session; returns the URL to pay at."""
    account = account_for(user)
    recent = Purchase.objects.filter(
        account=account,
        status=Purchase.Status.PENDING,
        created_at__gte=timezone.now() - timedelta(hours=1),
    )
    if recent.count() >= MAX_OPEN_CHECKOUTS_PER_HOUR:
        raise TooManyCheckouts
    try:
        if not account.stripe_customer_id:
            # One Stripe customer per person, created once: the idempotency key makes
            # two concurrent first checkouts get the same customer back.
            customer_id = gateway.create_customer(account_id=account.pk, email=user.email)
            BillingAccount.objects.filter(pk=account.pk, stripe_customer_id="").update(
                stripe_customer_id=customer_id
            )
            account.refresh_from_db(fields=["stripe_customer_id"])
    except gateway.stripe.StripeError as exc:
        logger.warning("stripe customer creation failed: %s", type(exc).__name__)
        raise CheckoutUnavailable from exc

    purchase = Purchase.objects.create(
        account=account,
        plan=plan,
        plan_name=plan.name,
        sends=plan.sends,
        amount=plan.price,
        currency=plan.currency,
    )
    if plan.stripe_price_id:
        line_item: dict[str, Any] = {"price": plan.stripe_price_id, "quantity": 1}
    else:
        line_item = {
            "price_data": {
                "currency": plan.currency,
                "unit_amount": plan.price,
                "product_data": {"name": f"{plan.name}: {plan.sends} recruiter sends"},
            },
            "quantity": 1,
        }
    metadata = {"purchase_id": str(purchase.pk)}
    params = {
        "mode": "payment",
        "customer": account.stripe_customer_id,
        "client_reference_id": str(purchase.pk),
        "line_items": [line_item],
        # Stripe collects the address; we keep only its postal code and country.
        "billing_address_collection": "required",
        "metadata": metadata,
        # Charges inherit this, so a refund finds its purchase in any order.
        "payment_intent_data": {"metadata": metadata},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    try:
        session_id, url = gateway.create_checkout_session(
            params=params, idempotency_key=f"jl-checkout-{purchase.pk}"
        )
    except gateway.stripe.StripeError as exc:
        logger.warning("stripe checkout creation failed: %s", type(exc).__name__)
        purchase.delete()
        raise CheckoutUnavailable from exc
    purchase.stripe_checkout_session_id = session_id
    purchase.save(update_fields=["stripe_checkout_session_id"])
    return url
