"""Verified Stripe events, each applied exactly once.

The webhook view verifies the signature and calls :func:`handle_stripe_event`;
the handlers here are small and keyed on our own ids (the purchase's Checkout
Session id, its PaymentIntent id). What they do to a balance is the ledger's
business (``billing.ledger``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from jobletters.lib.emails import send_templated_email

from . import ledger
from .models import BillingAccount, Purchase, WebhookEvent

logger = logging.getLogger(__name__)


def handle_stripe_event(*, event_id: str, event_type: str, data_object: dict[str, Any]) -> str:
    """Apply one verified Stripe event exactly once; returns processed/ignored/duplicate.

    The event id row is written in the same transaction as the event's effects:
    a redelivered event hits the unique constraint and changes nothing; a
    concurrent duplicate waits on the first one's uncommitted row, then does the
    same. If a handler fails, both roll back and Stripe's retry starts afresh.
    """
    handler = _HANDLERS.get(event_type)
    status = WebhookEvent.Status.PROCESSED if handler else WebhookEvent.Status.IGNORED
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(
                    stripe_event_id=event_id, type=event_type[:100], status=status
                )
        except IntegrityError:
            return "duplicate"
        if handler:
            handler(data_object)
    logger.info("stripe event handled type=%s status=%s", event_type, status)
    return str(status)


def _purchase_for_session(session: dict[str, Any]) -> int | None:
    session_id = session.get("id") or ""
    pk = (
        Purchase.objects.filter(stripe_checkout_session_id=session_id)
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        ref = session.get("client_reference_id") or (session.get("metadata") or {}).get(
            "purchase_id"
        )
        if ref and str(ref).isdigit():
            # Our own id; only valid while the purchase has no other session.
            pk = (
                Purchase.objects.filter(pk=int(ref))
                .filter(Q(stripe_checkout_session_id="") | Q(stripe_checkout_session_id=session_id))
                .values_list("pk", flat=True)
                .first()
            )
    if pk is None:
        logger.warning("stripe checkout session for an unknown purchase; ignored")
    return pk


def _on_session_paid_or_completed(session: dict[str, Any]) -> None:
    purchase_id = _purchase_for_session(session)
    if purchase_id is None:
        return
    account, purchase = ledger.locked_purchase(purchase_id)
    purchase.stripe_checkout_session_id = session.get("id") or purchase.stripe_checkout_session_id
    if session.get("payment_intent"):
        purchase.stripe_payment_intent_id = str(session["payment_intent"])
    if isinstance(session.get("amount_total"), int):
        purchase.amount = session["amount_total"]
    if session.get("currency"):
        purchase.currency = str(session["currency"]).lower()[:3]
    _keep_billing_location(account, session)
    if session.get("payment_status") in ("paid", "no_payment_required"):
        if ledger.credit_purchase(account, purchase):
            from .tasks import send_purchase_confirmation_task

            send_purchase_confirmation_task.delay_on_commit(purchase.pk)
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


def _keep_billing_location(account: BillingAccount, session: dict[str, Any]) -> None:
    # Only the postal code and country; the rest of the address is never read.
    address = (session.get("customer_details") or {}).get("address") or {}
    postal_code = str(address.get("postal_code") or "")[:20]
    country = str(address.get("country") or "")[:2].upper()
    if postal_code or country:
        account.billing_postal_code = postal_code
        account.billing_country = country
        account.save(update_fields=["billing_postal_code", "billing_country"])


_HANDLERS = {
    "checkout.session.completed": _on_session_paid_or_completed,
    "checkout.session.async_payment_succeeded": _on_session_paid_or_completed,
    "checkout.session.async_payment_failed": _on_async_payment_failed,
    "checkout.session.expired": _on_session_expired,
    "charge.refunded": _on_charge_refunded,
}


def send_purchase_confirmation(*, purchase_id: int) -> bool:
    """Email the person that their sends were added (policy §8: transaction emails)."""
    purchase = Purchase.objects.select_related("account__user").get(pk=purchase_id)
    user = purchase.account.user
    if user is None or not purchase.is_granted:
        return False
    send_templated_email(
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
    )
    return True
