"""A seeker completes the profile and manages a CV in headless Chromium."""

from __future__ import annotations

import pytest

from profiles.models import CV, Profile
from taxonomy.models import Occupation, OccupationTitle, Place
from tests.factories import DEFAULT_PASSWORD

from . import builders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _vocabulary() -> None:
    # A transactional test may start after another one emptied the tables.
    lawyers, _ = Occupation.objects.get_or_create(code="2611", defaults={"title": "Lawyers"})
    if not OccupationTitle.objects.filter(occupation=lawyers, normalised="attorney").exists():
        OccupationTitle.objects.create(occupation=lawyers, title="Attorney", locale="en-US")
    if not Place.objects.filter(name="London", country="GB").exists():
        Place.objects.create(kind="city", name="London", country="GB", population=8_961_989)


def _log_in(page, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill("seeker@example.com")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")


def test_live_server_threads_have_their_own_database_connections(live_server):
    """Sharing one connection between the test and the server's request threads (what
    happens with an in-memory SQLite database) lets one thread's transaction state leak
    into another's: on_commit() then fails with TransactionManagementError at random."""
    assert live_server.thread.connections_override == {}


def test_seeker_fills_profile_and_uploads_a_cv(live_server, live_browser, seeker, real_worker):
    _vocabulary()
    page = live_browser
    base = live_server.url
    _log_in(page, base)
    assert "complete" in page.locator("article[aria-labelledby=profile-panel-heading]").inner_text()

    page.get_by_role("link", name="Profile", exact=True).click()
    page.get_by_label("Headline").fill("Commercial lawyer, 8 years")
    targets = page.get_by_role("combobox", name="Jobs you are looking for, and where")
    targets.fill("attorney Lond")
    page.get_by_role("option", name="Attorney in London, United Kingdom").click()
    page.get_by_label("Open to recruiters").check()
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Your profile was saved.").wait_for()
    profile = Profile.objects.get(user=seeker)
    assert profile.headline == "Commercial lawyer, 8 years"
    target = profile.targets.get()
    assert (target.occupation.code, target.role, target.place.name) == (
        "2611",
        "Attorney",
        "London",
    )
    assert profile.open_to_recruiters

    page.goto(base + "/profile/cv/")
    # Where the file box's button sits inside it: its padding (the box itself never moves).
    inset = "e => [getComputedStyle(e).paddingLeft, getComputedStyle(e).paddingRight]"
    file_inset = page.get_by_label("CV file").evaluate(inset)
    page.get_by_label("CV file").set_input_files(
        files=[
            {"name": "Sam CV.pdf", "mimeType": "application/pdf", "buffer": builders.pdf_bytes()}
        ]
    )
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("“Sam CV.pdf”").first.wait_for()
    assert "We are checking it" in page.locator(".messages").inner_text()
    # The worker checks the file; the list updates itself (no reload).
    row = page.locator("tr", has_text="Sam CV.pdf")
    row.get_by_text("Ready to send.").wait_for(timeout=30_000)
    assert "current" in row.inner_text()
    assert "is ready" in page.locator("#cv-status-announcer").inner_text()
    assert CV.objects.filter(owner=seeker, is_current=True, state="ready").count() == 1

    page.get_by_label("CV file").set_input_files(
        files=[{"name": "evil.pdf", "mimeType": "application/pdf", "buffer": builders.HTML}]
    )
    page.get_by_role("button", name="Upload").click()
    error = page.locator(".field-error")
    error.wait_for()
    assert "its content is a web page (HTML)" in error.inner_text()
    assert CV.objects.filter(owner=seeker).count() == 1
    # The problem is listed above the form too, and the file box does not move sideways.
    assert "its content is a web page (HTML)" in page.locator(".error-summary").inner_text()
    invalid = page.get_by_label("CV file")
    assert invalid.get_attribute("aria-invalid") == "true"
    assert invalid.evaluate(inset) == file_inset

    page.get_by_label("CV file").set_input_files(
        files=[
            {
                "name": "scripted.pdf",
                "mimeType": "application/pdf",
                "buffer": builders.pdf_with_javascript(),
            }
        ]
    )
    page.get_by_role("button", name="Upload").click()
    refused = page.locator("tr", has_text="scripted.pdf")
    refused.get_by_text("This PDF contains JavaScript").wait_for(timeout=30_000)
    page.get_by_role("button", name="Dismiss the notice about “scripted.pdf”").click()
    page.get_by_text("The notice about “scripted.pdf” was dismissed.").wait_for()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Sam CV.pdf").click()
    assert download_info.value.suggested_filename == "Sam CV.pdf"

    page.get_by_role("button", name="Delete “Sam CV.pdf”").click()  # asks first
    page.get_by_text("This is your current CV").wait_for()
    assert CV.objects.filter(owner=seeker).exists()
    page.get_by_role("button", name="Delete this CV").click()
    page.get_by_text("“Sam CV.pdf” was deleted.").wait_for()
    assert not CV.objects.filter(owner=seeker).exists()
