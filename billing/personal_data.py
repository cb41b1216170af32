"""Registry entries for billing (policy §2.3): what is kept, why, and for how long.

Billing records are kept for the legal period after each purchase, because tax
law requires them; when a person erases their account the records stay without
them (detached), the Stripe customer is deleted through Stripe's API, and an open
payment dispute places a legal hold on them automatically.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobletters.outbox import TransientError
from privacy import promises
from privacy.registry.declarations import Actor, AutoHold, Basis, Erasure, declare, exempt
from privacy.registry.retention import Retention

from . import gateway
from .models import (
    BillingAccount,
    Dispute,
    LedgerEntry,
    PaymentProblem,
    Plan,
    Purchase,
    Reservation,
    WebhookEvent,
)
from .retention import purge_expired_billing_records

_STRIPE = (_("Stripe, our payment processor"),)


def _legal_retention() -> Retention:
    return Retention.after_event(
        days=promises.BILLING_RECORD_RETENTION_DAYS,
        event=_("each purchase"),
        enforce=purge_expired_billing_records,
        legal=True,
        note=_(
            "Tax law requires billing records; if you delete your account they are kept "
            "detached from you, then deleted."
        ),
    )


def _detach(user: Any) -> None:
    """Erasure of billing records: keep them (tax law), without the person."""
    Reservation.objects.filter(account__user=user).delete()
    BillingAccount.objects.filter(user=user).update(user=None, detached_at=timezone.now())
    # A staff member's link to grants they made; the grants themselves stay.
    LedgerEntry.objects.filter(granted_by=user).update(granted_by=None)


def _delete_stripe_customer(user: Any) -> None:
    """Erasure, outside systems: the customer at Stripe goes, retried until it does."""
    for account in BillingAccount.objects.filter(user=user).exclude(stripe_customer_id=""):
        if not gateway.is_configured():
            raise TransientError("Stripe keys are not set: the customer cannot be deleted yet.")
        gateway.delete_customer(customer_id=account.stripe_customer_id)
        BillingAccount.objects.filter(pk=account.pk).update(stripe_customer_id="")


def _open_disputes() -> Iterator[AutoHold]:
    """An open payment dispute holds the person's billing records (§5: resolve disputes)."""
    rows = Dispute.objects.filter(status=Dispute.Status.OPEN).values_list(
        "stripe_dispute_id", "purchase__account__user_id"
    )
    for dispute_id, user_id in rows:
        yield AutoHold(
            reference=f"dispute:{dispute_id}"[:100],
            person_id=user_id,
            reason="An open payment dispute: billing records are kept until it is resolved.",
        )


# Every billing record but reservations: kept for tax law, detached from an erased account.
_KEPT_FOR_TAX_LAW: dict[str, Any] = {
    "section": "2.3",
    "legal_basis": Basis.LEGAL_OBLIGATION,
    "erasure": Erasure.RETAIN,
    "retention": _legal_retention(),
    "eraser": _detach,
}

declare(
    BillingAccount,
    **_KEPT_FOR_TAX_LAW,
    category=_("Billing account"),
    purpose=_(
        "To bill you through Stripe and to comply with tax law: your Stripe customer id, "
        "and the billing postal code and country you gave Stripe."
    ),
    recipients=_STRIPE,
    fields=(
        "stripe_customer_id",
        "billing_postal_code",
        "billing_country",
        "created_at",
        "detached_at",
    ),
    about="user",
    outside=_delete_stripe_customer,
)
declare(
    Purchase,
    **_KEPT_FOR_TAX_LAW,
    category=_("Purchases"),
    purpose=_(
        "Your purchases of recruiter sends: what you bought, when, for how much, and "
        "the Stripe ids we need to look up or refund a payment."
    ),
    recipients=_STRIPE,
    fields=(
        "plan",
        "plan_name",
        "sends",
        "amount",
        "currency",
        "status",
        "amount_refunded",
        "refunded_sends",
        "stripe_checkout_session_id",
        "stripe_payment_intent_id",
        "created_at",
        "paid_at",
        "refunded_at",
    ),
    about="account__user",
)
declare(
    Reservation,
    section="2.3",
    category=_("Reserved sends"),
    purpose=_(
        "Sends set aside for a send you are making, so two sends cannot spend the same credit."
    ),
    fields=("sends", "status", "reference", "created_at", "settled_at"),
    about="account__user",
    erasure=Erasure.DELETE,
    retention=Retention.account(_("Settled reservations stay with your balance's history.")),
)
declare(
    LedgerEntry,
    **_KEPT_FOR_TAX_LAW,
    category=_("Send credits"),
    purpose=_(
        "Your balance of recruiter sends: every credit bought, granted, used or "
        "taken back after a refund."
    ),
    fields=("kind", "sends", "purchase", "reservation", "reason", "created_at"),
    about="account__user",
    acted=Actor(
        "granted_by",
        fields=("kind", "sends", "created_at"),
        description="Complimentary sends you granted as a member of staff (not to whom).",
    ),
)
declare(
    Dispute,
    **_KEPT_FOR_TAX_LAW,
    category=_("Payment disputes"),
    purpose=_(
        "Payments you disputed with your bank: Stripe's dispute id, reason code, amount, "
        "status and the sends held back meanwhile."
    ),
    recipients=_STRIPE,
    fields=(
        "stripe_dispute_id",
        "status",
        "stripe_status",
        "reason",
        "amount",
        "currency",
        "held_sends",
        "opened_at",
        "closed_at",
    ),
    about="purchase__account__user",
    holds=_open_disputes,
)
declare(
    PaymentProblem,
    **_KEPT_FOR_TAX_LAW,
    category=_("Payment problems"),
    purpose=_(
        "Payment notices from Stripe that did not match the purchase they named (amount, "
        "currency, test or live mode, or checkout): kept for our staff to look into; they "
        "added no sends."
    ),
    fields=("problem", "event_type", "note", "created_at", "reviewed_at"),
    held={"stripe_event_id": _("Stripe's id of the notice, for our staff to look it up.")},
    about="purchase__account__user",
)
exempt(Plan, reason="Packages on sale: names and prices, not people.", reviewed=("name",))
exempt(WebhookEvent, reason="Stripe event ids and types only; the bodies are never stored.")
