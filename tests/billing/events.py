"""Real-shaped Stripe events, signed the way Stripe signs them."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

import stripe

WEBHOOK_SECRET = "whsec_test_secret_for_job_letters"
_ids = itertools.count(1)


def event(
    event_type: str,
    obj: dict[str, Any],
    *,
    event_id: str | None = None,
    livemode: bool = False,
) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_test_{next(_ids):08d}",
        "object": "event",
        "api_version": stripe.api_version,
        "created": int(time.time()),
        "type": event_type,
        "livemode": livemode,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": obj},
    }


def checkout_session(
    purchase,
    *,
    payment_status: str = "paid",
    amount_total: int | None = None,
    payment_intent: str = "pi_test_1",
) -> dict[str, Any]:
    return {
        "id": purchase.stripe_checkout_session_id,
        "object": "checkout.session",
        "mode": "payment",
        "status": "complete",
        "payment_status": payment_status,
        "client_reference_id": str(purchase.pk),
        "customer": purchase.account.stripe_customer_id or "cus_test_1",
        "payment_intent": payment_intent,
        "amount_total": purchase.amount if amount_total is None else amount_total,
        "currency": purchase.currency,
        "metadata": {"purchase_id": str(purchase.pk)},
        "customer_details": {
            "email": "seeker@example.com",
            "name": "Sam Seeker",
            "phone": "+44 20 7946 0000",
            "address": {
                "line1": "1 Privacy Street",
                "line2": "Flat 2",
                "city": "London",
                "state": None,
                "postal_code": "SW1A 1AA",
                "country": "GB",
            },
            "tax_exempt": "none",
        },
    }


def charge(purchase, *, amount_refunded: int, payment_intent: str = "pi_test_1") -> dict:
    return {
        "id": "ch_test_1",
        "object": "charge",
        "amount": purchase.amount,
        "amount_refunded": amount_refunded,
        "refunded": amount_refunded >= purchase.amount,
        "currency": purchase.currency,
        "payment_intent": payment_intent,
        "metadata": {"purchase_id": str(purchase.pk)},
        "billing_details": {"address": {"line1": "1 Privacy Street", "postal_code": "SW1A 1AA"}},
        "payment_method_details": {"card": {"brand": "visa", "last4": "4242"}},
    }


def dispute(
    purchase,
    *,
    status: str = "needs_response",
    amount: int | None = None,
    dispute_id: str = "dp_test_1",
    payment_intent: str = "pi_test_1",
) -> dict[str, Any]:
    return {
        "id": dispute_id,
        "object": "dispute",
        "amount": purchase.amount if amount is None else amount,
        "currency": purchase.currency,
        "charge": "ch_test_1",
        "payment_intent": payment_intent,
        "reason": "fraudulent",
        "status": status,
        "livemode": False,
        "evidence": {"customer_name": "Sam Seeker", "billing_address": "1 Privacy Street"},
    }


def signed(body: dict[str, Any] | str, *, secret: str = WEBHOOK_SECRET, timestamp=None):
    """(payload, Stripe-Signature header) for a body."""
    payload = body if isinstance(body, str) else json.dumps(body)
    header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)
    return payload, header


def deliver(client, body: dict[str, Any] | str, **kwargs: Any):
    payload, header = signed(body, **kwargs)
    return client.post(
        "/billing/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
