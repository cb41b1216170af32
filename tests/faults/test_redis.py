"""Redis (cache and broker) killed or hung during sign-in, sign-up and CV uploads."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from accounts.models import User
from jobletters import outbox
from jobletters.models import OutboxEntry
from profiles.models import CV

from ..factories import DEFAULT_PASSWORD
from ..profiles import builders as cv_builders
from ..profiles.helpers import URL as CV_PAGE

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-and-unusual-passphrase"


@pytest.mark.parametrize("fault", ["refuse", "hang"])
@pytest.mark.fault(
    "Redis (cache and broker) killed or hung during sign-in, sign-up and CV uploads",
    sees="the pages as usual (a hung broker adds its 5 s socket timeout to the first "
    "request that hands work over)",
    work="rate limits count in the process's memory meanwhile; emails and CV checks wait "
    "in the outbox and the sweeper hands them over once Redis is back: each done once",
)
def test_redis_down_during_sign_in_sign_up_and_uploads(
    fault, seeker, browser, cache_through, broker_through
):
    redis = cache_through
    getattr(redis, fault)()

    with TestCase.captureOnCommitCallbacks(execute=True):
        signed_in = browser.post(
            "/accounts/login/", {"login": seeker.email, "password": DEFAULT_PASSWORD}
        )
        assert (signed_in.status_code, signed_in["Location"]) == (302, "/dashboard/")
        pdf = SimpleUploadedFile("cv.pdf", cv_builders.pdf_bytes("Sam"), "application/pdf")
        assert browser.post(CV_PAGE, {"file": pdf}).status_code == 302
        browser.logout()
        signed_up = browser.post(
            "/accounts/signup/",
            {"email": "new@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert signed_up.status_code == 302
    assert User.objects.filter(email="new@example.com").exists()
    assert CV.objects.get(owner=seeker).state == CV.State.CHECKING
    waiting = OutboxEntry.objects.filter(state=OutboxEntry.State.PENDING, enqueued_at=None)
    assert set(waiting.values_list("kind", flat=True)) == {"emails.send", "profiles.check_cv"}

    redis.restore()
    outbox._broker_down_until = 0.0  # the hand-over backoff (15 s) is over
    assert outbox.sweep() == 2  # handed to the broker, through Redis
    outbox.run_due()  # a worker runs them
    assert outbox.sweep() == outbox.run_due() == 0  # and nothing twice
    assert CV.objects.get(owner=seeker).state == CV.State.READY
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
