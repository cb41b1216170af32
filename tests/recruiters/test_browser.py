"""The whole journey in headless Chromium, with a real worker and a real SMTP server:
choose a recruiter, agree, send; open the packet as the recruiter from the email,
download the CV, opt out; see "Opened" and "CV link opened" in the report."""

from __future__ import annotations

import re

import pytest

from recruiters.models import Delivery, Recruiter
from tests.factories import DEFAULT_PASSWORD

from ..utils import wait_until
from . import builders as b

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _log_in(page, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill("seeker@example.com")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")


def test_send_a_packet_open_it_as_the_recruiter_and_follow_it(
    live_server, live_browser, _chromium, seeker, real_worker, smtp_sink, settings
):
    settings.SITE_URL = live_server.url
    b.ready_seeker(seeker)
    lawyers, london = b.occupation("2611"), b.city("London")
    alex = b.recruiter(
        name="Alex Carter", agency="Harper Legal", email="alex@harper.example",
        occupations=[lawyers], places=[london], keywords=["M&A"],
    )  # fmt: skip
    b.recruiter(name="Jordan Lee", agency="Northbridge", occupations=[lawyers], places=[london])
    page = live_browser
    violations: list[str] = []

    def watch(tab) -> None:  # the site's CSP allows no inline style or script
        tab.on(
            "console",
            lambda m: "Content Security Policy" in m.text and violations.append(m.text),
        )

    watch(page)
    _log_in(page, live_server.url)

    # The seeker chooses a recruiter from the ranked matches, with the reasons.
    page.get_by_role("link", name="See your matches").click()
    page.wait_for_url("**/recruiters/matches/")
    card = page.locator("li.match", has_text="Alex Carter")
    assert "Recruits for Lawyers in London" in card.inner_text()
    card.get_by_role("checkbox").check()
    page.get_by_role("button", name="Review and agree").click()

    # The consent screen: exactly what Alex will get, and an unticked box naming him.
    page.wait_for_url("**/recruiters/send/?r=*")
    assert "Candidate for Lawyers in London: Sam Seeker" in page.content()
    consent = page.locator("input[name=consent]")
    assert not consent.is_checked()
    assert "Alex Carter, Harper Legal" in page.locator(".consent-label").inner_text()
    consent.check()
    page.get_by_role("button", name="Agree and send to 1 recruiter").click()
    page.wait_for_url("**/recruiters/sends/**")
    page.get_by_text("Your packet is on its way to 1 recruiter").wait_for()

    # The worker sends it; the recruiter opens the link in the email.
    (message,) = smtp_sink.wait_for(1, timeout=30)
    assert message["X-Envelope-To"] == "alex@harper.example"
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
    link = re.search(re.escape(live_server.url) + r"/p/[A-Za-z0-9_-]{43}/", text).group(0)

    recruiter_context = _chromium.new_context(accept_downloads=True)
    recruiter = recruiter_context.new_page()
    watch(recruiter)
    try:
        recruiter.goto(link)
        recruiter.get_by_role("heading", name="Sam Seeker").first.wait_for()
        assert "I advise technology companies on M&A" in recruiter.locator("main").inner_text()
        with recruiter.expect_download() as download:
            recruiter.get_by_role("button", name="Download the CV").click()
        assert download.value.suggested_filename == "Sam CV.pdf"
        assert download.value.path().read_bytes().startswith(b"%PDF")

        recruiter.get_by_role("link", name="Stop receiving candidates' packets").click()
        recruiter.get_by_role("button", name="Stop all packets").click()
        recruiter.get_by_text("Done: you will receive no more packets").wait_for()
    finally:
        recruiter_context.close()
    assert Recruiter.objects.get(pk=alex.pk).opted_out_at is not None

    # The seeker sees what happened.
    page.goto(live_server.url + "/recruiters/sends/")
    packet = page.locator("li.delivery", has_text="Alex Carter")
    assert wait_until(lambda: Delivery.objects.get(recruiter=alex).downloaded_at is not None)
    timeline = packet.locator(".timeline").inner_text()
    for event in ("Queued", "Sent", "Opened", "CV link opened"):
        assert event in timeline
    # Alex opted out: the row says so, and there is nothing left to revoke.
    assert "Opted out" in packet.locator(".status").inner_text() and "Opted out" in timeline
    assert packet.get_by_role("button", name="Revoke").count() == 0
    # Alex no longer appears among the matches; Jordan does.
    page.goto(live_server.url + "/recruiters/matches/")
    assert "Alex Carter" not in page.locator("main").inner_text()
    assert "Jordan Lee" in page.locator("main").inner_text()
    assert violations == []
