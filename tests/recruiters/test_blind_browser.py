"""A blind send end to end in headless Chromium: the recruiter's page and every response it
triggers say nothing of who the seeker is, until the seeker accepts an introduction, and
then only to that recruiter; a declined request reveals nothing."""

from __future__ import annotations

import pytest
from django.core import mail

from privacy.models import Disclosure
from tests.factories import DEFAULT_PASSWORD

from ..utils import run_outbox
from . import builders as b

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What says who the seeker is: name, address, phone (as printed and as dialled), CV link.
IDENTIFYING = (
    "Sam Seeker", "seeker@example.com", "+44 20 7946 0958", "+442079460958",
    "12 Example Row", "EC1A 1AA", "/cv/",
)  # fmt: skip


def _log_in(page, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill("seeker@example.com")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")


class Recruiter:
    """A recruiter's own browser, keeping every response it received."""

    def __init__(self, chromium) -> None:
        self.context = chromium.new_context()
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.seen: list[str] = []
        self.page.on("response", self._keep)

    def _keep(self, response) -> None:
        # Read at once: a body is gone once the page navigates on.
        redirect = 300 <= response.status < 400
        body = "" if redirect else response.body().decode(errors="replace")
        self.seen.append(f"{response.url}\n{response.all_headers()}\n{body}")

    def revealed(self) -> list[str]:
        """Identifying words in any response so far (HTML, redirects, CSS…)."""
        for _ in range(50):  # the last responses' handlers may still be reading
            if self.seen:
                break
            self.page.wait_for_timeout(100)
        assert self.seen
        return [word for text in self.seen for word in IDENTIFYING if word in text]


def _blind_send(page, base, alex, jordan) -> dict:
    """The seeker sends blind to Alex and Jordan; returns each one's packet link."""
    _log_in(page, base)
    page.goto(f"{base}/recruiters/send/?r={alex.pk}&r={jordan.pk}&contact=1")
    page.get_by_role("link", name="Send blind instead (without who you are)").click()
    page.wait_for_url("**blind=1**")
    consent = page.locator(".consent-label").inner_text()
    assert "Blind send" in consent and "only if I accept" in consent
    assert "Sam Seeker" not in page.locator(".packet-frame").inner_text()
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Agree and send to 2 recruiters").click()
    page.get_by_text("Your packet is on its way to 2 recruiters").wait_for()
    run_outbox()
    for message in mail.outbox:
        html = message.alternatives[0][0]
        assert not [w for w in IDENTIFYING if w in message.subject + message.body + html]
        assert message.reply_to == []
    return {r.pk: f"{base}/p/{b.token_for(r)}/" for r in (alex, jordan)}


def _ask_for_an_introduction(recruiter: Recruiter, link: str) -> None:
    page = recruiter.page
    page.goto(link)
    page.get_by_text("asks them for an introduction").wait_for()
    assert "I advise technology companies on M&A" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Download the CV").count() == 0
    page.get_by_label("Interested — contact me").check()
    page.get_by_label("A short message to the candidate (optional, plain text)").fill(
        "Your M&A work fits a client of mine."
    )
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_text("You asked for an introduction on").wait_for()


@pytest.fixture
def people(seeker):
    b.ready_seeker(seeker)
    seeker.profile.job_letter = "Dear recruiter,\n\nI advise technology companies on **M&A**."
    seeker.profile.save(update_fields=["job_letter"])
    lawyers, london = b.occupation("2611"), b.city("London")
    alex = b.recruiter(name="Alex Carter", agency="Harper Legal", occupations=[lawyers],
                       places=[london])  # fmt: skip
    jordan = b.recruiter(name="Jordan Lee", agency="Northbridge", occupations=[lawyers],
                         places=[london])  # fmt: skip
    return seeker, alex, jordan


def test_a_blind_send_accepted_reveals_the_packet_to_that_recruiter_only(
    live_server, live_browser, _chromium, people, settings
):
    settings.SITE_URL = live_server.url
    seeker, alex, jordan = people
    links = _blind_send(live_browser, live_server.url, alex, jordan)
    alex_browser, jordan_browser = Recruiter(_chromium), Recruiter(_chromium)
    try:
        _ask_for_an_introduction(alex_browser, links[alex.pk])
        jordan_browser.page.goto(links[jordan.pk])
        jordan_browser.page.get_by_text("asks them for an introduction").wait_for()
        assert alex_browser.revealed() == [] and jordan_browser.revealed() == []

        # The seeker accepts from the report.
        page = live_browser
        page.goto(live_server.url + "/recruiters/sends/")
        row = page.locator("li.delivery", has_text="Alex Carter")
        assert "Your M&A work fits a client of mine." in row.inner_text()
        row.get_by_role("button", name="Accept and introduce me").click()
        page.get_by_text("Introduced: Alex Carter, Harper Legal now sees").wait_for()

        # Alex now sees who the seeker is and can download the CV; Jordan still cannot.
        alex_browser.page.reload()
        alex_browser.page.get_by_role("heading", name="Sam Seeker").first.wait_for()
        assert "seeker@example.com" in alex_browser.page.locator("main").inner_text()
        assert alex_browser.page.get_by_role("button", name="Download the CV").count() == 1
        jordan_browser.page.reload()
        assert jordan_browser.revealed() == []
    finally:
        alex_browser.context.close()
        jordan_browser.context.close()

    # The disclosure records show both steps for Alex, the first only for Jordan.
    records = {d.reference: d.data_categories for d in Disclosure.objects.filter(person=seeker)}
    alex_delivery = alex.deliveries.get()
    jordan_delivery = jordan.deliveries.get()
    assert records == {
        f"delivery:{alex_delivery.pk}": ["professional profile", "job letter"],
        f"delivery:{jordan_delivery.pk}": ["professional profile", "job letter"],
        f"introduction:{alex_delivery.pk}": [
            "name", "email address", "CV", "postal address", "phone number",
        ],
    }  # fmt: skip


def test_a_declined_introduction_reveals_nothing(
    live_server, live_browser, _chromium, people, settings
):
    settings.SITE_URL = live_server.url
    _, alex, jordan = people
    links = _blind_send(live_browser, live_server.url, alex, jordan)
    alex_browser = Recruiter(_chromium)
    try:
        _ask_for_an_introduction(alex_browser, links[alex.pk])
        page = live_browser
        page.goto(live_server.url + "/recruiters/sends/")
        row = page.locator("li.delivery", has_text="Alex Carter")
        row.get_by_role("button", name="Decline").click()
        page.get_by_text("Declined: Alex Carter, Harper Legal learns nothing more").wait_for()

        alex_browser.page.reload()
        alex_browser.page.get_by_text("The candidate chose not to share their details.").wait_for()
        alex_browser.page.goto(links[alex.pk] + "cv/")
        assert alex_browser.revealed() == []
    finally:
        alex_browser.context.close()
    assert not Disclosure.objects.filter(reference__startswith="introduction:").exists()
