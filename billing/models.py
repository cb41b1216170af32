"""Billing: plans, the person's billing account, purchases, the credit ledger.

What Job Letters stores about payments (policy §2.3), and nothing more:
the Stripe customer id, the billing postal code and country, and per purchase
the plan, number of sends, amount, currency, Stripe ids, status and dates.
Card numbers, names and street addresses stay at Stripe. A test
(tests/billing/test_stored_data.py) fails if a field is added here that could
hold anything else.

The balance is never stored: it is the sum of the ledger, minus sends held by
open reservations, always computed under a row lock on the person's
:class:`BillingAccount` when it is about to be spent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Plan(models.Model):
    """A package of recruiter sends that people can buy; managed by staff."""

    slug = models.SlugField(unique=True, help_text=_("Used in the checkout address."))
    name = models.CharField(max_length=80)
    sends = models.PositiveIntegerField(_("number of sends"))
    price = models.PositiveIntegerField(
        help_text=_("In the smallest unit of the currency (pence, cents): 2500 is 25.00.")
    )
    currency = models.CharField(max_length=3, default="gbp", help_text=_("ISO code, e.g. gbp."))
    stripe_price_id = models.CharField(
        _("Stripe Price id"),
        max_length=255,
        blank=True,
        help_text=_("Optional. Without it, Checkout is created with the name and price above."),
    )
    active = models.BooleanField(default=True, help_text=_("Shown and sold on /billing/."))
    position = models.PositiveSmallIntegerField(default=0, help_text=_("Lower comes first."))

    class Meta:
        ordering = ("position", "price")
        constraints = [
            models.CheckConstraint(condition=Q(sends__gt=0), name="plan_sends_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sends} sends)"

    def save(self, *args, **kwargs) -> None:
        self.currency = self.currency.lower()
        super().save(*args, **kwargs)


class BillingAccount(models.Model):
    """One per person: the row that is locked whenever their sends are spent."""

    # Nullable: on account erasure the billing records stay, detached from the person.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="billing_account",
    )
    stripe_customer_id = models.CharField(_("Stripe customer id"), max_length=255, blank=True)
    billing_postal_code = models.CharField(_("billing postal code"), max_length=20, blank=True)
    billing_country = CountryField(_("billing country"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    detached_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_customer_id"],
                condition=~Q(stripe_customer_id=""),
                name="billing_account_unique_customer",
            ),
        ]

    def __str__(self) -> str:
        return f"Billing account #{self.pk}" + ("" if self.user_id else " (detached)")


def _label(choices: type[models.TextChoices], value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


class Purchase(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Checkout started")
        PROCESSING = "processing", _("Payment being confirmed")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Payment failed")
        EXPIRED = "expired", _("Checkout expired")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partly refunded")
        REFUNDED = "refunded", _("Refunded")
        DISPUTED = "disputed", _("Payment disputed")
        CHARGED_BACK = "charged_back", _("Charged back (dispute lost)")

    account = models.ForeignKey(BillingAccount, on_delete=models.CASCADE, related_name="purchases")
    plan = models.ForeignKey(Plan, on_delete=models.SET_NULL, null=True, blank=True)
    # A snapshot: what was bought stays true when staff later edit the plan.
    plan_name = models.CharField(max_length=80)
    sends = models.PositiveIntegerField()
    amount = models.PositiveIntegerField(help_text=_("In the smallest currency unit."))
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
    amount_refunded = models.PositiveIntegerField(default=0)
    # Sends of this purchase that refunds so far cover: the unused ones were taken
    # back (ledger rows of kind "refund"), the rest had already been used.
    refunded_sends = models.PositiveIntegerField(default=0)
    stripe_checkout_session_id = models.CharField(max_length=255, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_checkout_session_id"],
                condition=~Q(stripe_checkout_session_id=""),
                name="purchase_unique_checkout_session",
            ),
        ]
        indexes = [models.Index(fields=["stripe_payment_intent_id"])]
        permissions = [("refund_purchase", "Can refund purchases on Stripe")]

    def __str__(self) -> str:
        return f"Purchase #{self.pk}: {self.plan_name}"

    @property
    def is_granted(self) -> bool:
        return self.paid_at is not None

    @property
    def status_label(self) -> str:
        """The status in words, for a row of a list: one translation, where Django's
        ``get_status_display`` translates every status to look one up."""
        return _label(self.Status, self.status)


class Reservation(models.Model):
    class Status(models.TextChoices):
        HELD = "held", _("Held")
        CONSUMED = "consumed", _("Used")
        RELEASED = "released", _("Released")
        # Its sends were taken back by a refund or a dispute before the send was made.
        CANCELLED = "cancelled", _("Cancelled (payment refunded or disputed)")

    account = models.ForeignKey(
        BillingAccount, on_delete=models.CASCADE, related_name="reservations"
    )
    sends = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status, default=Status.HELD)
    reference = models.CharField(max_length=100, blank=True, help_text=_("e.g. send:42"))
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "status"])]

    def __str__(self) -> str:
        return f"Reservation #{self.pk} ({self.sends}, {self.status})"


class LedgerEntry(models.Model):
    """One change to a balance. Never edited: corrections are new rows."""

    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("Bought")
        COMPLIMENTARY = "complimentary", _("Complimentary (staff)")
        CONSUMPTION = "consumption", _("Used for a send")
        REFUND = "refund", _("Taken back after a refund")
        DISPUTE_HOLD = "dispute_hold", _("Held back while a payment is disputed")
        DISPUTE_RETURN = "dispute_return", _("Given back: payment dispute closed in your favour")

    account = models.ForeignKey(BillingAccount, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=20, choices=Kind)
    sends = models.IntegerField(help_text=_("Positive adds sends, negative takes them away."))
    purchase = models.ForeignKey(
        Purchase, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    reservation = models.ForeignKey(
        Reservation, on_delete=models.SET_NULL, null=True, blank=True, related_name="entries"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The staff member who made a complimentary grant."),
    )
    reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name_plural = _("ledger entries")
        constraints = [
            # A purchase is credited at most once, whatever the webhooks do.
            models.UniqueConstraint(
                fields=["purchase"],
                condition=Q(kind="purchase"),
                name="ledger_one_grant_per_purchase",
            ),
            models.CheckConstraint(condition=~Q(sends=0), name="ledger_sends_nonzero"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.sends:+d}"

    @property
    def kind_label(self) -> str:
        """The kind in words, for a row of a list (as :attr:`Purchase.status_label`)."""
        return _label(self.Kind, self.kind)


class WebhookEvent(models.Model):
    """A Stripe event we have handled: its id and type only, never the body."""

    class Status(models.TextChoices):
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored (type not handled)")
        REJECTED = "rejected", _("Rejected (see payment problems)")

    stripe_event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-received_at",)

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_event_id}"


class Dispute(models.Model):
    """A chargeback or inquiry on a purchase's payment (Stripe's ``charge.dispute.*``)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        WON = "won", _("Won (held sends given back)")
        CLOSED = "closed", _("Closed without a chargeback (held sends given back)")
        LOST = "lost", _("Lost (held sends removed)")

    purchase = models.ForeignKey(Purchase, on_delete=models.PROTECT, related_name="disputes")
    stripe_dispute_id = models.CharField(_("Stripe dispute id"), max_length=255, unique=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    stripe_status = models.CharField(
        max_length=40, blank=True, help_text=_("Stripe's own status, e.g. needs_response.")
    )
    reason = models.CharField(max_length=40, blank=True, help_text=_("Stripe's reason code."))
    amount = models.PositiveIntegerField(help_text=_("In the smallest currency unit."))
    currency = models.CharField(max_length=3)
    # Unused sends of the purchase taken out of the balance while the dispute is open.
    held_sends = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-opened_at", "-pk")

    def __str__(self) -> str:
        return f"Dispute {self.stripe_dispute_id} on purchase #{self.purchase_id}"


class PaymentProblem(models.Model):
    """A verified Stripe event that was not applied because it did not match our records."""

    class Problem(models.TextChoices):
        LIVEMODE = "livemode", _("Test/live mode differs from the key in use")
        UNKNOWN_SESSION = "unknown_session", _("Checkout session we did not create")
        AMOUNT = "amount", _("Amount differs from the purchase")
        CURRENCY = "currency", _("Currency differs from the purchase")
        UNKNOWN_PAYMENT = "unknown_payment", _("Payment we cannot match to a purchase")

    stripe_event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=100)
    problem = models.CharField(max_length=20, choices=Problem)
    purchase = models.ForeignKey(
        Purchase, on_delete=models.SET_NULL, null=True, blank=True, related_name="problems"
    )
    note = models.CharField(max_length=255, blank=True, help_text=_("What did not match."))
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.get_problem_display()} ({self.event_type})"
