"""§5 and §7 in Chromium: get a copy of your data, then delete the account (cancel once)."""

from __future__ import annotations

import json
import zipfile
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from jobletters import outbox
from privacy.rights.deletion import purge_due_deletions
from privacy.rights.export import BUILD_EXPORT
from tests.factories import DEFAULT_PASSWORD

from .builders import person_with_everything

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base_url: str, email: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()


def test_s7_s5_export_then_delete_in_the_browser(
    live_server, live_browser, broker_down, seeker, staff, stripe_double, settings, tmp_path
):
    # The broker is down: work waits in the outbox until this test runs it, so the
    # page is seen while the copy is still being prepared.
    settings.SITE_URL = live_server.url
    person_with_everything(seeker, staff=staff)
    Authenticator.objects.filter(user=seeker).delete()  # signs in with the password alone
    page = live_browser
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _sign_in(page, live_server.url, seeker.email)
    page.wait_for_url("**/dashboard/")

    # §7: ask for a copy, watch it being prepared, download it and open it.
    page.get_by_role("link", name="Get a copy of your data").click()
    page.get_by_role("button", name="Prepare a copy of my data").click()
    building = page.locator("tr[data-status-url]")
    expect(building.locator(".export-progress")).to_be_visible()
    expect(building.locator(".export-state")).to_have_text("Waiting to start")
    outbox.run_due(kinds=[BUILD_EXPORT])  # the worker builds it; the page polls
    download_link = page.get_by_role("link", name="Download")
    expect(download_link).to_be_visible(timeout=15_000)
    expect(page.get_by_text("You can ask for another copy from")).to_be_visible()

    # Signed in a moment ago: that counts as the recent re-authentication the download
    # needs (an older sign-in is asked for the password: test_s7_export.py).
    with page.expect_download() as info:
        download_link.click()
    saved = tmp_path / "export.zip"
    info.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert archive.testzip() is None
        assert "README.txt" in archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        assert any(f["path"].startswith("files/2-6-cvs/") for f in manifest["files"])
        account = json.loads(archive.read("data/2-1-your-account.json"))
        assert account["records"][0]["email"] == seeker.email

    # §5: ask for deletion, see the frozen account, cancel.
    page.goto(live_server.url + "/privacy/delete/")
    expect(page.get_by_role("heading", name="What the law makes us keep")).to_be_visible()
    page.get_by_label("Your password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.locator("#frozen-account")).to_be_visible()
    page.goto(live_server.url + "/billing/")
    page.wait_for_url("**/privacy/delete/")
    page.get_by_role("button", name="Cancel the deletion and keep my account").click()
    expect(page.get_by_text("Deletion cancelled")).to_be_visible()
    page.goto(live_server.url + "/billing/")
    expect(page.get_by_role("heading", name="Billing")).to_be_visible()

    # Ask again, and let the purge run when the grace period is over.
    page.goto(live_server.url + "/privacy/delete/")
    page.get_by_label("Your password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.locator("#frozen-account")).to_be_visible()
    later = timezone.now() + timedelta(days=14, minutes=1)
    assert purge_due_deletions(now=later) == 1
    outbox.run_due()

    assert not User.objects.filter(pk=seeker.pk).exists()
    assert stripe_double.deleted_customers == [f"cus_test_{seeker.pk}"]
    page.goto(live_server.url + "/dashboard/")
    page.wait_for_url("**/accounts/login/**")  # signed out: the session ended with the account
    assert errors == []
