"""Billing records of erased accounts are deleted once tax law no longer needs them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from privacy import promises

from .models import BillingAccount, Dispute, LedgerEntry, PaymentProblem, Purchase


@transaction.atomic
def purge_expired_billing_records(now: datetime | None = None) -> int:
    """Delete billing records of erased accounts once the legal period has passed."""
    cutoff = (now or timezone.now()) - timedelta(days=promises.BILLING_RECORD_RETENTION_DAYS)
    detached = BillingAccount.objects.filter(user__isnull=True)
    deleted, _ = LedgerEntry.objects.filter(account__in=detached, created_at__lt=cutoff).delete()
    old_purchases = Purchase.objects.filter(account__in=detached, created_at__lt=cutoff).exclude(
        entries__isnull=False
    )
    deleted += Dispute.objects.filter(purchase__in=old_purchases).delete()[0]
    deleted += (
        PaymentProblem.objects.filter(created_at__lt=cutoff)
        .filter(Q(purchase__isnull=True) | Q(purchase__account__in=detached))
        .delete()[0]
    )
    deleted += old_purchases.delete()[0]
    deleted += detached.filter(
        created_at__lt=cutoff, entries__isnull=True, purchases__isnull=True
    ).delete()[0]
    return deleted
