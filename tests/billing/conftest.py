from __future__ import annotations

import pytest

from billing import local_stripe
from billing.local_stripe import StripeDouble
from billing.models import BillingAccount, Plan, Purchase

from .events import WEBHOOK_SECRET


@pytest.fixture
def stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_job_letters"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_job_letters"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return settings


@pytest.fixture
def no_stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    return settings


@pytest.fixture
def stripe_double(stripe_keys):
    double = StripeDouble()
    double.start()
    stripe_keys.STRIPE_API_BASE = double.url
    yield double
    double.stop()


@pytest.fixture
def plan(db):
    return Plan.objects.create(slug="starter", name="Starter", sends=25, price=2500)


@pytest.fixture
def purchase(seeker, plan):
    """A checkout the seeker started and has not paid yet."""
    account = BillingAccount.objects.create(user=seeker, stripe_customer_id="cus_test_1")
    return Purchase.objects.create(
        account=account,
        plan=plan,
        plan_name=plan.name,
        sends=plan.sends,
        amount=plan.price,
        currency=plan.currency,
        stripe_checkout_session_id="cs_test_seeker_1",
    )


@pytest.fixture
def local_payments(live_server, settings):
    """The local payment service as make run starts it, confirming to the live server."""
    double = local_stripe.StripeDouble(
        webhook_url=live_server.url + "/billing/webhook/",
        webhook_secret=local_stripe.WEBHOOK_SECRET,
    )
    double.start()
    settings.SITE_URL = live_server.url
    settings.LOCAL_TEST_PAYMENTS = True
    settings.STRIPE_SECRET_KEY = local_stripe.SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = local_stripe.PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = local_stripe.WEBHOOK_SECRET
    settings.STRIPE_API_BASE = double.url
    yield double
    double.stop()
