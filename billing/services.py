"""Billing operations: checkout, Stripe events, the send ledger, refunds.

Balance rules, for everyone who spends sends (the matching/send code):

* ``available_sends(user=...)`` is what a person can spend now: the sum of their
  ledger, minus sends held by open reservations.
* ``reserve_sends`` sets sends aside before a send is queued; then either
  ``consume_reservation`` (after delivery; any unused part is released) or
  ``release_reservation`` (send cancelled). ``consume_sends`` reserves and
  consumes in one go.
* Every change that depends on the balance locks the person's
  :class:`BillingAccount` row first (``SELECT ... FOR UPDATE``), so concurrent
  sends are serialised and the balance can never go below zero.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from jobletters.lib.emails import send_templated_email

from . import gateway
from .models import BillingAccount, LedgerEntry, Plan, Purchase, Reservation, WebhookEvent

logger = logging.getLogger(__name__)


class InsufficientSends(Exception):
    """The person does not have enough sends available."""


class ReservationNotHeld(Exception):
    """The reservation was already released (or consumed, when releasing)."""


class CheckoutUnavailable(Exception):
    """Stripe could not start a checkout; nothing was charged."""


class RefundNotPossible(Exception):
    pass


class TooManyCheckouts(Exception):
    """Too many unpaid checkouts started recently (each one is a call to Stripe)."""


MAX_OPEN_CHECKOUTS_PER_HOUR = 10


# --- Balance ------------------------------------------------------------------------


def _available(account_id: int) -> int:
    ledger = LedgerEntry.objects.filter(account_id=account_id).aggregate(s=Sum("sends"))["s"]
    held = Reservation.objects.filter(
        account_id=account_id, status=Reservation.Status.HELD
    ).aggregate(s=Sum("sends"))["s"]
    return (ledger or 0) - (held or 0)


def available_sends(*, user: Any) -> int:
    account_id = (
        BillingAccount.objects.filter(user=user).values_list("pk", flat=True).first()
        if user.is_authenticated
        else None
    )
    return _available(account_id) if account_id else 0


def _account_for(user: Any) -> BillingAccount:
    account, _ = BillingAccount.objects.get_or_create(user=user)
    return account


def _lock_account(account_id: int) -> BillingAccount:
    return BillingAccount.objects.select_for_update().get(pk=account_id)


# --- Spending sends (API for sends to recruiters) ------------------------------------


@transaction.atomic
def reserve_sends(*, user: Any, sends: int, reference: str = "") -> Reservation:
    """Hold ``sends`` for a send about to be made; raises InsufficientSends."""
    if sends <= 0:
        raise ValueError("Reserve at least one send.")
    account_id = BillingAccount.objects.filter(user=user).values_list("pk", flat=True).first()
    if account_id is None:
        raise InsufficientSends(f"0 sends available, {sends} needed.")
    account = _lock_account(account_id)
    available = _available(account.pk)
    if available < sends:
        raise InsufficientSends(f"{available} sends available, {sends} needed.")
    return Reservation.objects.create(account=account, sends=sends, reference=reference[:100])


@transaction.atomic
def consume_reservation(*, reservation_id: int, sends: int | None = None) -> LedgerEntry | None:
    """Spend ``sends`` (default: all) of a held reservation and release the rest.

    Idempotent: consuming an already consumed reservation returns its entry.
    """
    account_id = Reservation.objects.values_list("account_id", flat=True).get(pk=reservation_id)
    _lock_account(account_id)
    reservation = Reservation.objects.select_for_update().get(pk=reservation_id)
    if reservation.status == Reservation.Status.CONSUMED:
        return reservation.entries.filter(kind=LedgerEntry.Kind.CONSUMPTION).first()
    if reservation.status != Reservation.Status.HELD:
        raise ReservationNotHeld(f"Reservation {reservation_id} was released.")
    used = reservation.sends if sends is None else sends
    if not 0 <= used <= reservation.sends:
        raise ValueError(f"Can consume between 0 and {reservation.sends} sends.")
    entry = None
    if used:
        entry = LedgerEntry.objects.create(
            account_id=account_id,
            kind=LedgerEntry.Kind.CONSUMPTION,
            sends=-used,
            reservation=reservation,
            reason=reservation.reference,
        )
    reservation.status = Reservation.Status.CONSUMED
    reservation.settled_at = timezone.now()
    reservation.save(update_fields=["status", "settled_at"])
    return entry


@transaction.atomic
def release_reservation(*, reservation_id: int) -> None:
    """Give held sends back (the send was cancelled). Idempotent."""
    account_id = Reservation.objects.values_list("account_id", flat=True).get(pk=reservation_id)
    _lock_account(account_id)
    reservation = Reservation.objects.select_for_update().get(pk=reservation_id)
    if reservation.status == Reservation.Status.RELEASED:
        return
    if reservation.status == Reservation.Status.CONSUMED:
        raise ReservationNotHeld(f"Reservation {reservation_id} was already used.")
    reservation.status = Reservation.Status.RELEASED
    reservation.settled_at = timezone.now()
    reservation.save(update_fields=["status", "settled_at"])


@transaction.atomic
def consume_sends(*, user: Any, sends: int, reference: str = "") -> LedgerEntry:
    """Spend ``sends`` now; raises InsufficientSends without changing anything."""
    reservation = reserve_sends(user=user, sends=sends, reference=reference)
    entry = consume_reservation(reservation_id=reservation.pk)
    assert entry is not None
    return entry


@transaction.atomic
def grant_complimentary_sends(*, user: Any, sends: int, staff: Any, reason: str) -> LedgerEntry:
    """Staff give sends for free; the row names the staff member and why."""
    if sends <= 0:
        raise ValueError("Grant at least one send.")
    if not getattr(staff, "is_staff", False):
        raise PermissionError("Only staff can grant sends.")
    if not reason.strip():
        raise ValueError("Give a reason for the grant.")
    account = _account_for(user)
    return LedgerEntry.objects.create(
        account=account,
        kind=LedgerEntry.Kind.COMPLIMENTARY,
        sends=sends,
        granted_by=staff,
        reason=reason.strip()[:255],
    )


# --- Checkout ---------------------------------------------------------------------------


def start_checkout(*, user: Any, plan: Plan, success_url: str, cancel_url: str) -> str:
    """Create a pending purchase and its Stripe Checkout Session; returns the URL to pay at.

    Nothing is credited here: only a verified ``checkout.session.completed`` does that.
    """
    account = _account_for(user)
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


# --- Stripe events ---------------------------------------------------------------------


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


def _locked_purchase(purchase_id: int) -> tuple[BillingAccount, Purchase]:
    # Lock order everywhere: account, then purchase.
    account_id = Purchase.objects.values_list("account_id", flat=True).get(pk=purchase_id)
    account = _lock_account(account_id)
    return account, Purchase.objects.select_for_update().get(pk=purchase_id)


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
    account, purchase = _locked_purchase(purchase_id)
    purchase.stripe_checkout_session_id = session.get("id") or purchase.stripe_checkout_session_id
    if session.get("payment_intent"):
        purchase.stripe_payment_intent_id = str(session["payment_intent"])
    if isinstance(session.get("amount_total"), int):
        purchase.amount = session["amount_total"]
    if session.get("currency"):
        purchase.currency = str(session["currency"]).lower()[:3]
    _keep_billing_location(account, session)
    if session.get("payment_status") in ("paid", "no_payment_required"):
        _grant(account, purchase)
    elif purchase.status == Purchase.Status.PENDING:
        # Paid by a delayed method (e.g. bank debit): async_payment_* decides.
        purchase.status = Purchase.Status.PROCESSING
    purchase.save()


def _on_async_payment_failed(session: dict[str, Any]) -> None:
    purchase_id = _purchase_for_session(session)
    if purchase_id is None:
        return
    _, purchase = _locked_purchase(purchase_id)
    if not purchase.is_granted:
        purchase.status = Purchase.Status.FAILED
        purchase.save(update_fields=["status"])


def _on_session_expired(session: dict[str, Any]) -> None:
    purchase_id = _purchase_for_session(session)
    if purchase_id is None:
        return
    _, purchase = _locked_purchase(purchase_id)
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
    account, purchase = _locked_purchase(purchase_id)
    if payment_intent:
        purchase.stripe_payment_intent_id = payment_intent
    refunded = charge.get("amount_refunded")
    # amount_refunded is cumulative, so an older event arriving late changes nothing.
    if isinstance(refunded, int) and refunded > purchase.amount_refunded:
        purchase.amount_refunded = refunded
        purchase.refunded_at = timezone.now()
    _apply_refunds(account, purchase)
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


def _grant(account: BillingAccount, purchase: Purchase) -> None:
    if purchase.is_granted:
        return
    LedgerEntry.objects.create(
        account=account, kind=LedgerEntry.Kind.PURCHASE, sends=purchase.sends, purchase=purchase
    )
    purchase.paid_at = timezone.now()
    purchase.status = Purchase.Status.PAID
    from .tasks import send_purchase_confirmation_task

    send_purchase_confirmation_task.delay_on_commit(purchase.pk)
    # A refund that arrived before the payment was confirmed applies now.
    _apply_refunds(account, purchase)


def _apply_refunds(account: BillingAccount, purchase: Purchase) -> None:
    """Take back the unused part of a refunded purchase's sends.

    Sends refunded are proportional to the amount refunded. Of those, as many as
    the person still has available are taken back; the rest were already used
    (or are held for a send in progress) and stay spent.
    """
    if not purchase.amount_refunded or not purchase.is_granted:
        return
    full = purchase.amount_refunded >= purchase.amount
    purchase.status = Purchase.Status.REFUNDED if full else Purchase.Status.PARTIALLY_REFUNDED
    target = (
        purchase.sends if full else purchase.sends * purchase.amount_refunded // purchase.amount
    )
    newly_refunded = target - purchase.refunded_sends
    if newly_refunded <= 0:
        return
    take_back = min(newly_refunded, max(_available(account.pk), 0))
    if take_back:
        LedgerEntry.objects.create(
            account=account, kind=LedgerEntry.Kind.REFUND, sends=-take_back, purchase=purchase
        )
    purchase.refunded_sends = target


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
            "balance": _available(purchase.account_id),
            "billing_path": reverse("billing:index"),
        },
    )
    return True


# --- Staff: refunds --------------------------------------------------------------------


def request_refund(*, purchase_id: int, staff: Any) -> str:
    """Ask Stripe to refund a purchase in full; the ledger follows on charge.refunded."""
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


# --- Retention ---------------------------------------------------------------------------


@transaction.atomic
def purge_expired_billing_records(*, now: Any = None) -> int:
    """Delete billing records of erased accounts once the legal period has passed."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.BILLING_RECORD_RETENTION_DAYS)
    detached = BillingAccount.objects.filter(user__isnull=True)
    deleted, _ = LedgerEntry.objects.filter(account__in=detached, created_at__lt=cutoff).delete()
    old_purchases = Purchase.objects.filter(account__in=detached, created_at__lt=cutoff).exclude(
        entries__isnull=False
    )
    deleted += old_purchases.delete()[0]
    deleted += detached.filter(
        created_at__lt=cutoff, entries__isnull=True, purchases__isnull=True
    ).delete()[0]
    return deleted
