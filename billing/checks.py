"""Billing's system checks (``manage.py check``; ``make deploy-check``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from . import local_stripe


@register(Tags.security)
def check_no_local_test_payments(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Local test payments (billing.local_stripe) exist only on a developer's machine.

    The settings refuse ``LOCAL_TEST_PAYMENTS`` with DEBUG off; this catches the same
    thing arriving another way (settings changed after start-up, the local keys copied
    into the environment).
    """
    if settings.DEBUG:
        return []
    local_keys = {local_stripe.SECRET_KEY, local_stripe.WEBHOOK_SECRET}
    if settings.LOCAL_TEST_PAYMENTS or local_keys & {
        settings.STRIPE_SECRET_KEY,
        settings.STRIPE_WEBHOOK_SECRET,
    }:
        return [
            Error(
                "Local test payments are on while DEBUG is off.",
                hint="Unset LOCAL_TEST_PAYMENTS and set the real STRIPE_* keys: with local "
                "test payments a purchase is credited without any money moving.",
                id="billing.E001",
            )
        ]
    return []
