"""The one place that talks to the Stripe API.

``STRIPE_API_BASE`` points the client at stripe-mock or a local test double
(billing/local_stripe.py); unset, it talks to api.stripe.com. Every
create call carries an idempotency key derived from our own row ids, so a
retried request (ours or the library's) never creates a second object.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import stripe
from django.conf import settings

# Seconds to connect to Stripe and to wait for its answer (see _client).
CONNECT_TIMEOUT = 3
READ_TIMEOUT = 10


class BillingNotConfigured(Exception):
    """Stripe keys are missing: payments are switched off."""


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)


def is_live() -> bool:
    """Whether the key in use moves real money (``sk_live_…``/``rk_live_…``)."""
    return settings.STRIPE_SECRET_KEY.startswith(("sk_live_", "rk_live_"))


@lru_cache(maxsize=4)
def _client(api_key: str, api_base: str) -> stripe.StripeClient:
    # Bounded: connect and read timeouts (the library's default read timeout is 80 s)
    # and one retry, so a checkout request never waits on Stripe past what it can
    # afford; webhook-driven work retries through the outbox instead.
    http_client = stripe.RequestsClient(timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base} if api_base else {},
        max_network_retries=1,
        http_client=http_client,
    )


def client() -> stripe.StripeClient:
    if not is_configured():
        raise BillingNotConfigured("Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.")
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE.rstrip("/"))


def create_customer(*, account_id: int, email: str) -> str:
    customer = client().v1.customers.create(
        params={"email": email, "metadata": {"billing_account": str(account_id)}},
        options={"idempotency_key": f"jl-customer-{account_id}"},
    )
    return customer.id


def create_checkout_session(*, params: dict[str, Any], idempotency_key: str) -> tuple[str, str]:
    """Create a Checkout Session; returns (session id, url to redirect to)."""
    session = client().v1.checkout.sessions.create(
        params=params,  # type: ignore[arg-type]  # a plain dict, not Stripe's TypedDict
        options={"idempotency_key": idempotency_key},
    )
    return session.id, session.url or ""


def create_refund(*, payment_intent_id: str, idempotency_key: str) -> str:
    refund = client().v1.refunds.create(
        params={"payment_intent": payment_intent_id, "reason": "requested_by_customer"},
        options={"idempotency_key": idempotency_key},
    )
    return refund.id


def delete_customer(*, customer_id: str) -> None:
    """Delete the customer at Stripe (account erasure). Done when Stripe no longer has it.

    A customer Stripe does not know (already deleted) counts as deleted; connection
    errors and Stripe's own errors propagate so the caller retries later.
    """
    try:
        client().v1.customers.delete(customer_id)
    except stripe.InvalidRequestError as exc:
        if exc.code == "resource_missing" or exc.http_status == 404:
            return
        raise


def construct_event(*, payload: bytes, signature: str | None) -> stripe.Event:
    """Verify the signature (at most 300 s old) and parse; raises on any problem."""
    return stripe.Webhook.construct_event(
        payload.decode("utf-8"),
        signature,
        settings.STRIPE_WEBHOOK_SECRET,
        tolerance=300,
    )
