"""Policy §2.3: nothing of payments but postal code and country; kept detached, then deleted."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from accounts.models import User
from billing.ledger import balance, grant_complimentary_sends, reserve
from billing.models import (
    BillingAccount,
    Dispute,
    LedgerEntry,
    PaymentProblem,
    Plan,
    Purchase,
    Reservation,
)
from billing.retention import purge_expired_billing_records
from privacy.registry.coverage import coverage_problems
from privacy.registry.declarations import Erasure, declaration_for
from privacy.tasks import run_retention as retention_task

# Every field of every billing model, reviewed. A new field fails this test until
# someone checks it against the policy and adds it here.
REVIEWED_FIELDS = {
    "Plan": {
        "id", "slug", "name", "sends", "price", "currency", "stripe_price_id", "active", "position",
    },
    "BillingAccount": {
        "id", "user", "stripe_customer_id", "billing_postal_code", "billing_country",
        "created_at", "detached_at",
    },
    "Purchase": {
        "id", "account", "plan", "plan_name", "sends", "amount", "currency", "status",
        "amount_refunded", "refunded_sends", "stripe_checkout_session_id",
        "stripe_payment_intent_id", "created_at", "paid_at", "refunded_at",
    },
    "Reservation": {"id", "account", "sends", "status", "reference", "created_at", "settled_at"},
    "LedgerEntry": {
        "id", "account", "kind", "sends", "purchase", "reservation", "granted_by", "reason",
        "created_at",
    },
    "WebhookEvent": {"id", "stripe_event_id", "type", "status", "received_at"},
    "Dispute": {
        "id", "purchase", "stripe_dispute_id", "status", "stripe_status", "reason", "amount",
        "currency", "held_sends", "opened_at", "closed_at",
    },
    "PaymentProblem": {
        "id", "stripe_event_id", "event_type", "problem", "purchase", "note", "created_at",
        "reviewed_at",
    },
}  # fmt: skip
PAYMENT_OR_ADDRESS = re.compile(
    r"card|pan$|cvc|cvv|expir|iban|bic|bank|sort_code|routing|account_number|last4|brand|"
    r"fingerprint|wallet|address|line1|line2|street|city|state$|region|province|postal|zip|"
    r"country|email|phone|name|body|payload|raw|details"
)
ALLOWED_BY_POLICY = {
    ("BillingAccount", "billing_postal_code"),
    ("BillingAccount", "billing_country"),
    ("Plan", "name"),  # the package's name
    ("Purchase", "plan_name"),  # a snapshot of the package's name
}


def test_billing_models_store_nothing_of_payments_but_postal_code_and_country():
    billing_models = list(apps.get_app_config("billing").get_models())
    assert {m.__name__ for m in billing_models} == set(REVIEWED_FIELDS)
    for model in billing_models:
        fields = model._meta.concrete_fields
        assert {f.name for f in fields} == REVIEWED_FIELDS[model.__name__], model.__name__
        for field in fields:
            if (model.__name__, field.name) not in ALLOWED_BY_POLICY:
                assert not PAYMENT_OR_ADDRESS.search(field.name), (model.__name__, field.name)
            # Nothing that could swallow a whole Stripe object or event body.
            assert not isinstance(field, models.JSONField | models.BinaryField | models.TextField)
    # Even the allowed two are short: a postal code, a two-letter country.
    assert BillingAccount._meta.get_field("billing_postal_code").max_length <= 20
    assert BillingAccount._meta.get_field("billing_country").max_length == 2


def test_every_billing_model_is_in_the_personal_data_registry():
    assert coverage_problems(apps.get_app_config("billing").get_models()) == []


@pytest.mark.parametrize("model", [BillingAccount, Purchase, LedgerEntry, Dispute, PaymentProblem])
def test_billing_records_are_retained_detached_for_the_legal_period(model):
    declaration = declaration_for(model)

    assert declaration.section == "2.3"
    assert declaration.erasure is Erasure.RETAIN
    assert declaration.eraser is not None
    assert "2555 days" in declaration.retention  # about 7 years
    assert BillingAccount._meta.get_field("user").null


def _erase(user) -> None:
    # What account erasure does with each retained declaration (reservations are deleted by
    # the same eraser), then the account goes.
    for model in (BillingAccount, Purchase, LedgerEntry, Dispute, PaymentProblem):
        declaration_for(model).eraser(user)
    user.delete()


def test_account_erasure_keeps_billing_records_without_the_person(seeker, staff, purchase):
    Purchase.objects.filter(pk=purchase.pk).update(status="paid", paid_at=timezone.now())
    grant_complimentary_sends(user=seeker, sends=5, staff=staff, reason="Welcome")
    reserve(user=seeker, sends=2, reference="send:1")
    BillingAccount.objects.filter(user=seeker).update(
        billing_postal_code="SW1A 1AA", billing_country="GB"
    )

    _erase(seeker)

    account = BillingAccount.objects.get()
    assert account.user_id is None and account.detached_at is not None
    assert (account.billing_postal_code, account.billing_country) == ("SW1A 1AA", "GB")
    assert Purchase.objects.get().amount == 2500
    assert LedgerEntry.objects.get().granted_by == staff
    assert not Reservation.objects.exists()


def test_erasing_a_staff_member_keeps_their_grants_without_their_name(seeker, staff):
    grant_complimentary_sends(user=seeker, sends=5, staff=staff, reason="Welcome")

    _erase(staff)

    entry = LedgerEntry.objects.get()
    assert entry.granted_by is None and entry.reason == "Welcome"
    assert balance(user=seeker) == 5


def test_deleting_a_user_row_directly_still_keeps_the_records(seeker, purchase):
    User.objects.filter(pk=seeker.pk).delete()
    assert Purchase.objects.get().account.user is None


def test_detached_records_are_deleted_after_the_retention_period(seeker, staff, plan):
    now = timezone.now()
    grant_complimentary_sends(user=seeker, sends=5, staff=staff, reason="old")
    _erase(seeker)
    old = BillingAccount.objects.get()
    disputed = Purchase.objects.create(
        account=old, plan=plan, plan_name="x", sends=1, amount=100, currency="gbp"
    )
    Dispute.objects.create(purchase=disputed, stripe_dispute_id="dp_1", amount=100, currency="gbp")
    PaymentProblem.objects.create(
        stripe_event_id="evt_1", event_type="x", problem="amount", purchase=disputed
    )
    recent = grant_complimentary_sends(user=staff, sends=1, staff=staff, reason="mine")
    seven_years_ago = now - timedelta(days=2555 + 1)
    Purchase.objects.update(created_at=seven_years_ago)
    LedgerEntry.objects.update(created_at=seven_years_ago)
    BillingAccount.objects.update(created_at=seven_years_ago)
    PaymentProblem.objects.update(created_at=seven_years_ago)

    assert purge_expired_billing_records(now=now - timedelta(days=2)) == 0  # not yet due

    # The retention job applies billing's rule (billing.personal_data: enforce), except
    # while an open dispute holds billing records.
    retention_task.delay()
    assert Purchase.objects.filter(pk=disputed.pk).exists()
    Dispute.objects.update(status=Dispute.Status.LOST)
    retention_task.delay()

    # The detached account is gone; the staff member's own (attached) records stay.
    assert list(BillingAccount.objects.values_list("user", flat=True)) == [staff.pk]
    assert list(LedgerEntry.objects.all()) == [recent]
    assert not Purchase.objects.exists()
    assert not Dispute.objects.exists() and not PaymentProblem.objects.exists()


def test_plans_are_vocabulary_not_personal_data():
    assert declaration_for(Plan) is None
