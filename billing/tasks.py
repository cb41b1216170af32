from __future__ import annotations

from celery import shared_task

from . import retention


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def purge_expired_billing_records() -> int:
    return retention.purge_expired_billing_records()
