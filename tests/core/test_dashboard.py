"""The dashboard's billing panel also says when a payment is being confirmed; the privacy
panel shows the latest request for a copy.

That its balance agrees with the ledger, in one query, is in
tests/billing/test_dashboard_panel.py.
"""

from __future__ import annotations

from django.test import RequestFactory

from billing import ledger
from billing.dashboard import panel as billing_panel
from billing.models import Purchase


def _panel(user) -> dict:
    request = RequestFactory().get("/dashboard/")
    request.user = user
    return billing_panel(request).context


def test_no_billing_account_means_nothing_pending(seeker):
    assert _panel(seeker) | {"configured": None} == {
        "balance": 0,
        "pending": False,
        "configured": None,
    }


def test_a_payment_being_confirmed_shows(seeker):
    Purchase.objects.create(
        account=ledger.account_for(seeker),
        plan_name="Starter",
        sends=25,
        amount=2500,
        currency="gbp",
        status=Purchase.Status.PROCESSING,
    )
    assert _panel(seeker)["pending"] is True
    assert _panel(seeker)["balance"] == 0


def test_the_privacy_panel_shows_the_latest_request_for_a_copy(seeker, other_seeker, client):
    from datetime import timedelta

    from django.utils import timezone

    from privacy.dashboard import latest_export
    from privacy.models import ExportRequest

    assert latest_export(seeker.pk) is None
    now = timezone.now()
    ExportRequest.objects.create(
        person=seeker, state="failed", requested_at=now - timedelta(days=40)
    )
    newest = ExportRequest.objects.create(
        person=seeker, state="ready", requested_at=now - timedelta(days=2), expires_at=now
    )
    ExportRequest.objects.create(person=other_seeker, state="queued", requested_at=now)
    shown = latest_export(seeker.pk)
    assert (shown.pk, shown.state, shown.requested_at, shown.expires_at) == (
        newest.pk,
        "ready",
        newest.requested_at,
        newest.expires_at,
    )
    client.force_login(seeker)
    html = client.get("/dashboard/").content.decode()
    day = timezone.localtime(newest.requested_at).strftime("%-d %B %Y")
    assert f"(last asked for on {day}: {newest.get_state_display().lower()})" in html
