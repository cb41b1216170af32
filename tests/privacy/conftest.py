from __future__ import annotations

import pytest

from billing.local_stripe import StripeDouble
from tests.billing.events import WEBHOOK_SECRET


@pytest.fixture
def stripe_double(settings):
    """The local Stripe stand-in; it records customers deleted by account erasure."""
    settings.STRIPE_SECRET_KEY = "sk_test_job_letters"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    double = StripeDouble()
    double.start()
    settings.STRIPE_API_BASE = double.url
    yield double
    double.stop()


@pytest.fixture
def admin_client(client, staff_with_mfa):
    """A member of staff signed in to the admin (two-factor on)."""
    client.force_login(staff_with_mfa)
    return client
