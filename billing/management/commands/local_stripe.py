"""``manage.py local_stripe``: local test payments for ``make run`` (billing.local_stripe).

Serves the Stripe stand-in on 127.0.0.1:``LOCAL_STRIPE_PORT``, where the settings
point the Stripe client when ``LOCAL_TEST_PAYMENTS`` is on. Refuses to start
otherwise, and always with DEBUG off: no money moves, so nothing real may use it.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from billing import local_stripe


class Command(BaseCommand):
    help = "Serve local test payments (a Stripe stand-in; no money moves). DEBUG only."

    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Local test payments cannot run with DEBUG off.")
        if not settings.LOCAL_TEST_PAYMENTS:
            raise CommandError(
                "LOCAL_TEST_PAYMENTS is off: set LOCAL_TEST_PAYMENTS=true (make run does "
                "when no Stripe keys are set)."
            )
        double = local_stripe.StripeDouble(
            webhook_url=settings.SITE_URL + reverse("billing:webhook"),
            webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
        )
        port = settings.LOCAL_STRIPE_PORT
        self.stdout.write(
            f"Local test payments on http://127.0.0.1:{port}/ (no money moves); "
            f"paid checkouts are confirmed to {double.webhook_url}",
            ending="\n",
        )
        self.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            double.serve_forever(host="127.0.0.1", port=port)
