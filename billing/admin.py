from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Case, QuerySet, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobletters.admin_site import ReadOnlyAdmin

from . import ledger
from .models import (
    BillingAccount,
    Dispute,
    LedgerEntry,
    PaymentProblem,
    Plan,
    Purchase,
    WebhookEvent,
)
from .refunds import RefundNotPossible, request_refund
from .templatetags.billing import money


class _ReadOnlyAdmin(ReadOnlyAdmin):
    """Billing records are written by the services only; staff look, never edit."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("name", "sends", "price_display", "stripe_price_id", "active", "position")
    list_editable = ("active", "position")
    prepopulated_fields = {"slug": ("name",)}

    @admin.display(description="price")
    def price_display(self, plan: Plan) -> str:
        return money(plan.price, plan.currency)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deactivate instead: purchases keep a snapshot, but deleting loses the history.
        return False


@admin.register(BillingAccount)
class BillingAccountAdmin(_ReadOnlyAdmin):
    list_display = ("__str__", "user", "stripe_customer_id", "billing_country", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__name", "stripe_customer_id")
    fields = (
        "user",
        "stripe_customer_id",
        "billing_postal_code",
        "billing_country",
        "created_at",
        "detached_at",
        "available_sends",
        "held_sends",
        "deficit",
    )
    readonly_fields = fields

    @admin.display(description="available sends")
    def available_sends(self, account: BillingAccount) -> int:
        return ledger.available(account.pk)

    @admin.display(description="sends held for sends in progress")
    def held_sends(self, account: BillingAccount) -> int:
        return ledger.held(account.pk)

    @admin.display(description="deficit (sends used after their payment went back)")
    def deficit(self, account: BillingAccount) -> int:
        return max(-ledger.ledger_total(account.pk), 0)


@admin.register(Purchase)
class PurchaseAdmin(_ReadOnlyAdmin):
    list_display = (
        "pk",
        "person",
        "plan_name",
        "sends",
        "amount_display",
        "status",
        "created_at",
        "paid_at",
    )
    list_filter = ("status",)
    list_select_related = ("account__user",)
    search_fields = (
        "account__user__email",
        "account__user__name",
        "stripe_checkout_session_id",
        "stripe_payment_intent_id",
    )
    actions = ("refund_on_stripe",)
    date_hierarchy = "created_at"

    @admin.display(description="person")
    def person(self, purchase: Purchase) -> str:
        return str(purchase.account.user or "(detached)")

    @admin.display(description="amount")
    def amount_display(self, purchase: Purchase) -> str:
        return money(purchase.amount, purchase.currency)

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("billing.refund_purchase")

    @admin.action(description="Refund selected purchases in full on Stripe", permissions=["refund"])
    def refund_on_stripe(self, request: HttpRequest, queryset: QuerySet[Purchase]) -> None:
        for purchase in queryset:
            try:
                refund_id = request_refund(purchase_id=purchase.pk, staff=request.user)
            except RefundNotPossible as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"Purchase #{purchase.pk}: Stripe refund {refund_id} requested. Unused "
                    "sends are taken back when Stripe confirms it.",
                    messages.SUCCESS,
                )


class ComplimentaryGrantForm(forms.ModelForm):
    person_email = forms.EmailField(
        label="Person's email address", help_text="The account that receives the sends."
    )
    sends = forms.IntegerField(min_value=1, max_value=10_000)
    reason = forms.CharField(
        max_length=255, help_text="Why these sends are free (shown to the person)."
    )

    class Meta:
        model = LedgerEntry
        fields = ("sends", "reason")

    def clean_person_email(self) -> Any:
        email = self.cleaned_data["person_email"]
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError("No active account has this email address.")
        self.person = user
        return email


@admin.register(LedgerEntry)
class LedgerEntryAdmin(_ReadOnlyAdmin):
    """The ledger, read-only; "Add" makes a complimentary grant."""

    list_display = ("created_at", "person", "kind", "sends", "granted_by", "reason")
    list_filter = ("kind",)
    list_select_related = ("account__user", "granted_by")
    search_fields = ("account__user__email", "account__user__name", "reason")
    readonly_fields = (
        "account",
        "kind",
        "sends",
        "purchase",
        "reservation",
        "granted_by",
        "reason",
        "created_at",
    )

    @admin.display(description="person")
    def person(self, entry: LedgerEntry) -> str:
        return str(entry.account.user or "(detached)")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs):
        if obj is None:
            kwargs["form"] = ComplimentaryGrantForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None):
        if obj is None:
            return ("person_email", "sends", "reason")
        return self.readonly_fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: LedgerEntry, form: Any, change: bool) -> None:
        if change:
            return
        entry = ledger.grant_complimentary_sends(
            user=form.person,
            sends=form.cleaned_data["sends"],
            staff=request.user,
            reason=form.cleaned_data["reason"],
        )
        # The admin logs and links the row the service made.
        obj.__dict__.update(entry.__dict__)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return admin.ModelAdmin.has_add_permission(self, request)


@admin.register(WebhookEvent)
class WebhookEventAdmin(_ReadOnlyAdmin):
    list_display = ("received_at", "type", "stripe_event_id", "status")
    list_filter = ("status", "type")
    search_fields = ("stripe_event_id",)


class _ReasonFilter(admin.AllValuesFieldListFilter):
    """Stripe's reason codes; a dispute without one is "(none)", never a link without words."""

    def choices(self, changelist: Any) -> Any:
        for choice in super().choices(changelist):
            yield {**choice, "display": choice["display"] or _("(none)")}


@admin.register(Dispute)
class DisputeAdmin(_ReadOnlyAdmin):
    """Payment disputes (chargebacks): open ones first; sends are held back meanwhile."""

    # Stripe's own status, the purchase and when it closed are on each dispute's page.
    list_display = (
        "stripe_dispute_id",
        "person",
        "amount_display",
        "reason",
        "status",
        "held_sends",
        "opened_at",
    )
    list_filter = ("status", ("reason", _ReasonFilter))
    list_select_related = ("purchase__account__user",)
    # Open disputes need an answer to Stripe by a deadline: listed first.
    ordering = (  # type: ignore[assignment]  # the admin takes expressions; the stubs say str
        Case(When(status=Dispute.Status.OPEN, then=0), default=1),
        "-opened_at",
        "-pk",
    )
    search_fields = (
        "stripe_dispute_id",
        "purchase__stripe_payment_intent_id",
        "purchase__account__user__email",
        "purchase__account__user__name",
    )

    @admin.display(description="person")
    def person(self, dispute: Dispute) -> str:
        return str(dispute.purchase.account.user or "(detached)")

    @admin.display(description="amount")
    def amount_display(self, dispute: Dispute) -> str:
        return money(dispute.amount, dispute.currency)


@admin.register(PaymentProblem)
class PaymentProblemAdmin(_ReadOnlyAdmin):
    """Stripe events that did not match our records and changed nothing."""

    list_display = ("created_at", "problem", "event_type", "purchase", "note", "reviewed_at")
    list_filter = ("problem", ("reviewed_at", admin.EmptyFieldListFilter))
    list_select_related = ("purchase",)
    search_fields = ("stripe_event_id",)
    actions = ("mark_reviewed",)

    def has_review_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("billing.view_paymentproblem")

    @admin.action(description="Mark selected problems as reviewed", permissions=["review"])
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet[PaymentProblem]) -> None:
        count = queryset.filter(reviewed_at__isnull=True).update(reviewed_at=timezone.now())
        self.message_user(request, f"{count} problem(s) marked as reviewed.", messages.SUCCESS)
