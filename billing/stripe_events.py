"""Verified Stripe events, each applied exactly once.

The webhook view verifies the signature and calls :func:`handle_stripe_event`;
the handlers here are small and keyed on our own ids (the purchase's Checkout
Session id, its PaymentIntent id). What they do to a balance is the ledger's
business (``billing.ledger``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from jobletters.lib.emails import queue_email

from . import gateway, ledger
from .models import BillingAccount, Dispute, PaymentProblem, Purchase, WebhookEvent

logger = logging.getLogger(__name__)


class Rejected(Exception):
    """The event is genuine (signed by Stripe) but does not match our records."""

    def __init__(self, problem: str, note: str = "", *, purchase_id: int | None = None) -> None:
        super().__init__(note or problem)
        self.problem = problem
        self.note = note
        self.purchase_id = purchase_id


def handle_stripe_event(
    *,
    event_id: str,
    event_type: str,
    data_object: dict[str, Any],
    livemode: bool | None = None,
) -> str:
    """Apply one verified Stripe event exactly once; returns processed/ignored/rejected/duplicate.

    The event id row is written in the same transaction as the event's effects:
    a redelivered event hits the unique constraint and changes nothing; a
    concurrent duplicate waits on the first one's uncommitted row, then does the
    same. If a handler fails, both roll back and Stripe's retry starts afresh.
    An event that does not match our records (test/live mode, amount, currency,
    a checkout we did not create) changes nothing and is recorded for staff as a
    :class:`PaymentProblem`; Stripe gets a 2xx, as retrying cannot fix it.
    """
    handler = _HANDLERS.get(event_type)
    status = WebhookEvent.Status.PROCESSED if handler else WebhookEvent.Status.IGNORED
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = WebhookEvent.objects.create(
                    stripe_event_id=event_id, type=event_type[:100], status=status
                )
        except IntegrityError:
            return "duplicate"
        if handler:
            try:
                with transaction.atomic():
                    _check_mode(livemode, data_object)
                    handler(data_object)
            except Rejected as rejected:
                status = WebhookEvent.Status.REJECTED
                row.status = status
                row.save(update_fields=["status"])
                PaymentProblem.objects.create(
                    stripe_event_id=event_id,
                    event_type=event_type[:100],
                    problem=rejected.problem,
                    purchase_id=rejected.purchase_id,
                    note=rejected.note[:255],
                )
                logger.warning(
                    "stripe event rejected type=%s problem=%s", event_type, rejected.problem
                )
    logger.info("stripe event handled type=%s status=%s", event_type, status)
    return str(status)


def _check_mode(livemode: bool | None, data_object: dict[str, Any]) -> None:
    live_key = gateway.is_live()
    for mode in (livemode, data_object.get("livemode")):
        if mode is not None and bool(mode) != live_key:
            raise Rejected(
                PaymentProblem.Problem.LIVEMODE,
                f"A {'live' if mode else 'test'}-mode event, but the key in use is a "
                f"{'live' if live_key else 'test'} key.",
                purchase_id=_our_reference(data_object),
            )


def _our_reference(obj: dict[str, Any]) -> int | None:
    """The purchase an object names (our metadata), if that purchase exists."""
    ref = obj.get("client_reference_id") or (obj.get("metadata") or {}).get("purchase_id")
    if ref and str(ref).isdigit():
        return Purchase.objects.filter(pk=int(ref)).values_list("pk", flat=True).first()
    return None


def _purchase_for_session(session: dict[str, Any]) -> int | None:
    """Only the Checkout Session we created for a purchase identifies it."""
    session_id = str(session.get("id") or "")
    if not session_id:
        return None
    return (
        Purchase.objects.filter(stripe_checkout_session_id=session_id)
        .values_list("pk", flat=True)
        .first()
    )


def _on_session_paid_or_completed(session: dict[str, Any]) -> None:
    purchase_id = _purchase_for_session(session)
    if purchase_id is None:
        named = _our_reference(session)
        raise Rejected(
            PaymentProblem.Problem.UNKNOWN_SESSION,
            "A checkout session we did not create"
            + (f" names purchase #{named}." if named else "."),
            purchase_id=named,
        )
    account, purchase = ledger.locked_purchase(purchase_id)
    amount, currency = session.get("amount_total"), str(session.get("currency") or "").lower()
    if currency != purchase.currency:
        raise Rejected(
            PaymentProblem.Problem.CURRENCY,
            f"Paid in {currency.upper() or 'no currency'}, the purchase is in "
            f"{purchase.currency.upper()}.",
            purchase_id=purchase.pk,
        )
    if amount != purchase.amount:
        raise Rejected(
            PaymentProblem.Problem.AMOUNT,
            f"Paid {amount} {currency.upper()}, the purchase costs {purchase.amount}.",
            purchase_id=purchase.pk,
        )
    if session.get("payment_intent"):
        purchase.stripe_payment_intent_id = str(session["payment_intent"])[:255]
    _keep_billing_location(account, session)
    if session.get("payment_status") == "paid":
        if ledger.credit_purchase(account, purchase):
            _queue_confirmation(purchase)
    elif purchase.status == Purchase.Status.PENDING:
        # Paid by a delayed method (e.g. bank debit): async_payment_* decides.
        purchase.status = Purchase.Status.PROCESSING
    purchase.save()


def _on_async_payment_failed(session: dict[str, Any]) -> None:
    purchase_id = _purchase_for_session(session)
    if purchase_id is None:
        return
    _, purchase = ledger.locked_purchase(purchase_id)
    if not purchase.is_granted:
        purchase.status = Purchase.Status.FAILED
        purchase.save(update_fields=["status"])


def _on_session_expired(session: dict[str, Any]) -> None:
    purchase_id = _purchase_for_session(session)
    if purchase_id is None:
        return
    _, purchase = ledger.locked_purchase(purchase_id)
    if purchase.status == Purchase.Status.PENDING:
        purchase.status = Purchase.Status.EXPIRED
        purchase.save(update_fields=["status"])


def _on_charge_refunded(charge: dict[str, Any]) -> None:
    payment_intent = str(charge.get("payment_intent") or "")
    ref = (charge.get("metadata") or {}).get("purchase_id")
    query = Purchase.objects.none()
    if ref and str(ref).isdigit():
        query = Purchase.objects.filter(pk=int(ref))
        if payment_intent:
            query = query.filter(
                Q(stripe_payment_intent_id="") | Q(stripe_payment_intent_id=payment_intent)
            )
    elif payment_intent:
        query = Purchase.objects.filter(stripe_payment_intent_id=payment_intent)
    purchase_id = query.values_list("pk", flat=True).first()
    if purchase_id is None:
        logger.warning("stripe refund for an unknown purchase; ignored")
        return
    account, purchase = ledger.locked_purchase(purchase_id)
    if payment_intent:
        purchase.stripe_payment_intent_id = payment_intent
    refunded = charge.get("amount_refunded")
    # amount_refunded is cumulative, so an older event arriving late changes nothing.
    if isinstance(refunded, int) and refunded > purchase.amount_refunded:
        purchase.amount_refunded = refunded
        purchase.refunded_at = timezone.now()
    ledger.apply_refunds(account, purchase)
    purchase.save()


def _on_dispute(dispute: dict[str, Any], *, closing: bool) -> None:
    """charge.dispute.created / funds_withdrawn (hold sends back) and .closed (settle)."""
    dispute_id = str(dispute.get("id") or "")
    payment_intent = str(dispute.get("payment_intent") or "")
    purchase_id = (
        Purchase.objects.filter(stripe_payment_intent_id=payment_intent)
        .values_list("pk", flat=True)
        .first()
        if payment_intent and dispute_id
        else None
    )
    if purchase_id is None:
        raise Rejected(
            PaymentProblem.Problem.UNKNOWN_PAYMENT,
            "A dispute on a payment we cannot match to a purchase.",
        )
    account, purchase = ledger.locked_purchase(purchase_id)
    amount = dispute.get("amount")
    row, created = Dispute.objects.select_for_update().get_or_create(
        stripe_dispute_id=dispute_id[:255],
        defaults={
            "purchase": purchase,
            "amount": amount if isinstance(amount, int) and amount >= 0 else purchase.amount,
            "currency": str(dispute.get("currency") or purchase.currency).lower()[:3],
        },
    )
    if row.purchase_id != purchase.pk:
        raise Rejected(
            PaymentProblem.Problem.UNKNOWN_PAYMENT,
            f"Dispute {dispute_id} moved to another payment.",
            purchase_id=purchase.pk,
        )
    row.stripe_status = str(dispute.get("status") or "")[:40]
    row.reason = str(dispute.get("reason") or "")[:40]
    row.save(update_fields=["stripe_status", "reason"])
    if created:
        ledger.hold_for_dispute(account, purchase, row)
    if closing:
        outcome = {"won": Dispute.Status.WON, "lost": Dispute.Status.LOST}.get(
            row.stripe_status, Dispute.Status.CLOSED
        )
        ledger.close_dispute(account, purchase, row, outcome=outcome)
    purchase.save()


def _keep_billing_location(account: BillingAccount, session: dict[str, Any]) -> None:
    # Only the postal code and country; the rest of the address is never read.
    address = (session.get("customer_details") or {}).get("address") or {}
    postal_code = str(address.get("postal_code") or "")[:20]
    country = str(address.get("country") or "")[:2].upper()
    if postal_code or country:
        account.billing_postal_code = postal_code
        account.billing_country = country
        account.save(update_fields=["billing_postal_code", "billing_country"])


_HANDLERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "checkout.session.completed": _on_session_paid_or_completed,
    "checkout.session.async_payment_succeeded": _on_session_paid_or_completed,
    "checkout.session.async_payment_failed": _on_async_payment_failed,
    "checkout.session.expired": _on_session_expired,
    "charge.refunded": _on_charge_refunded,
    "charge.dispute.created": partial(_on_dispute, closing=False),
    "charge.dispute.funds_withdrawn": partial(_on_dispute, closing=False),
    "charge.dispute.closed": partial(_on_dispute, closing=True),
}


def _queue_confirmation(purchase: Purchase) -> None:
    """Email the person that their sends were added (policy §8), exactly once per purchase."""
    user = purchase.account.user
    if user is None:
        return
    queue_email(
        template="billing/emails/sends_added",
        to=[user.email],
        context={
            "name": user.get_short_name(),
            "plan_name": purchase.plan_name,
            "sends": purchase.sends,
            "amount": purchase.amount,
            "currency": purchase.currency,
            "balance": ledger.available(purchase.account_id),
            "billing_path": reverse("billing:index"),
        },
        person=user,
        key=f"purchase-confirmed:{purchase.pk}",
    )
