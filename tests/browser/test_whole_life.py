"""One person's whole life with us, in headless Chromium, from sign-up to erasure.

They sign up and confirm their address, fill in their profile, write their job letter,
upload a CV, buy sends (the local Stripe stand-in of ``make run``: Pay sends the signed
webhook), choose a match and send with consent. The recruiter opens the packet from the
email, answers, and opts out; the person's report shows all three. The person gets a copy
of their data and downloads it, asks for deletion, cancels, asks again, and the purge runs
when the grace period is over. Then nothing of them is left: no row in any table, no stored
file, no session, no cache entry, and the payment customer is deleted at Stripe.

A screenshot of each step is saved in a folder the test prints (``pytest -s``).
"""

from __future__ import annotations

import json
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from billing import local_stripe
from billing.models import BillingAccount, Plan
from jobletters import outbox
from privacy.rights.deletion import purge_due_deletions
from privacy.rights.erasure import JOURNAL_PREFIX
from profiles.demo import demo_cv_pdf
from tests.privacy.walk import cache_entries, rows_referring_to
from tests.recruiters.builders import city, occupation, recruiter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "lena.life@example.org"
NAME = "Lena Lifelong"
PHONE = "+44 20 7946 0123"
PASSWORD = "a-long-and-unusual-passphrase"


class Album:
    """Screenshots of each step, numbered, in one folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def take(self, page, step: str) -> None:
        self.count += 1
        page.screenshot(path=self.folder / f"{self.count:02d}-{step}.png", full_page=True)


@pytest.fixture
def payments(live_server, settings):
    """The local payment service as ``make run`` starts it, confirming to the live server."""
    double = local_stripe.StripeDouble(
        webhook_url=live_server.url + "/billing/webhook/",
        webhook_secret=local_stripe.WEBHOOK_SECRET,
    )
    double.start()
    settings.LOCAL_TEST_PAYMENTS = True
    settings.STRIPE_SECRET_KEY = local_stripe.SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = local_stripe.PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = local_stripe.WEBHOOK_SECRET
    settings.STRIPE_API_BASE = double.url
    yield double
    double.stop()


def _link(pattern: str, message) -> str:
    return re.search(pattern, message.body).group(0)


def test_a_whole_life_from_sign_up_to_erasure(live_server, _chromium, payments, settings, tmp_path):
    settings.SITE_URL = live_server.url
    Plan.objects.create(slug="starter", name="Starter", sends=25, price=2500)
    rita = recruiter(
        occupations=[occupation("2611")], places=[city("London")], name="Rita Recruiter"
    )
    album = Album(tmp_path / "life")
    print(f"\nScreenshots of each step: {album.folder}")
    context = _chromium.new_context(accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    # Errors in our pages' consoles (the payment stand-in's own page has no icon).
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(f"{m.location.get('url')}: {m.text}")
            if m.type == "error" and m.location.get("url", "").startswith(live_server.url)
            else None
        ),
    )
    base = live_server.url

    # Sign up, confirm the address from the email, sign in.
    page.goto(base + "/accounts/signup/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    album.take(page, "sign-up")
    page.locator("main").get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    page.goto(_link(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[-1]))
    album.take(page, "confirm")
    page.get_by_role("button", name="Yes, confirm my address").click()
    page.wait_for_url("**/accounts/login/**")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")
    person = User.objects.get(email=EMAIL)
    album.take(page, "dashboard")

    # The profile, with a target chosen in the autocomplete; the job letter; a CV.
    page.goto(base + "/profile/")
    page.get_by_label("Full name").fill(NAME)
    page.get_by_label("Phone number").fill(PHONE)
    box = page.get_by_role("combobox", name="Jobs you are looking for, and where")
    box.press_sequentially("lawyer London", delay=20)
    page.get_by_role("option", name="Lawyer in London, United Kingdom").click()
    page.get_by_label("Open to recruiters").check()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile was saved.")).to_be_visible()
    album.take(page, "profile")
    page.goto(base + "/profile/letter/")
    page.get_by_label("Your job letter").fill(f"Dear recruiter,\n\nI draft contracts.\n\n{NAME}")
    page.get_by_role("button", name="Save and preview").click()
    page.wait_for_url("**/profile/letter/preview/")
    album.take(page, "job-letter")
    page.goto(base + "/profile/cv/")
    cv = tmp_path / "Lena CV.pdf"
    cv.write_bytes(demo_cv_pdf([f"{NAME} - Commercial lawyer", "Contracts, GDPR"]))
    page.get_by_label("CV file").set_input_files(cv)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name="Lena CV.pdf")).to_be_visible()
    album.take(page, "cv")

    # Buy sends: the stand-in's Pay button sends the signed webhook.
    page.goto(base + "/billing/")
    page.get_by_role("button", name="Buy Starter").click()
    page.get_by_role("button", name="Continue to secure payment").click()
    page.wait_for_url(f"{payments.url}/pay/**")
    album.take(page, "checkout")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(f"{base}/billing/success/**")
    expect(page.get_by_role("heading", name="Payment confirmed")).to_be_visible()
    expect(page.locator("#balance")).to_have_text("25")
    album.take(page, "paid")
    customer = BillingAccount.objects.get(user=person).stripe_customer_id
    assert customer.startswith("cus_")

    # Matches, consent, send: the packet goes out (the eager path of the other browser tests).
    page.goto(base + "/recruiters/matches/")
    page.get_by_role("checkbox", name=re.compile("Rita Recruiter")).check()
    album.take(page, "matches")
    page.get_by_role("button", name="Review and agree").click()
    page.locator("#id_consent").check()
    album.take(page, "consent")
    page.get_by_role("button", name="Agree and send to 1 recruiter").click()
    page.wait_for_url("**/recruiters/sends/**")
    [packet] = [m for m in mail.outbox if rita.email in m.to]
    album.take(page, "sent")

    # The recruiter opens the packet from the email, answers, and opts out.
    recruiter_page = _chromium.new_context().new_page()
    recruiter_page.goto(_link(r"http://\S+/p/[^/\s]+/", packet))
    expect(recruiter_page.get_by_text(NAME).first).to_be_visible()
    recruiter_page.get_by_label("Interested — contact me").check()
    recruiter_page.get_by_label(re.compile("A short message to the candidate")).fill(
        f"Dear {NAME}, I have two roles for you. Call me."
    )
    recruiter_page.get_by_role("button", name="Send my answer").click()
    expect(recruiter_page.get_by_text("Interested")).not_to_have_count(0)
    album.take(recruiter_page, "recruiter-answers")
    recruiter_page.goto(_link(r"http://\S+/recruiters/opt-out/\S+/", packet))
    recruiter_page.get_by_role("button", name="Stop all packets").click()
    album.take(recruiter_page, "recruiter-opts-out")
    recruiter_page.context.close()

    # The person's report tells the story.
    page.goto(base + "/recruiters/sends/")
    story = page.get_by_role("list", name="What happened")
    expect(story.get_by_text("Opened", exact=True)).to_be_visible()
    expect(story.get_by_text(re.compile("^Answered: Interested"))).to_be_visible()
    expect(story.get_by_text("Opted out", exact=True)).to_be_visible()
    album.take(page, "report")

    # A copy of their data, downloaded and opened.
    page.goto(base + "/privacy/export/")
    page.get_by_role("button", name="Prepare a copy of my data").click()
    outbox.run_due()
    download = page.get_by_role("link", name="Download")
    expect(download).to_be_visible()
    album.take(page, "export")
    with page.expect_download() as info:
        download.click()
    saved = tmp_path / "copy.zip"
    info.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        account = json.loads(archive.read("data/2-1-your-account.json"))
        assert account["records"][0]["email"] == EMAIL
        assert any(name.endswith(".pdf") for name in archive.namelist())

    # Deletion: ask, cancel, ask again; the purge runs when the grace period is over.
    page.goto(base + "/privacy/delete/")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.locator("#frozen-account")).to_be_visible()
    album.take(page, "deletion-asked")
    page.get_by_role("button", name="Cancel the deletion and keep my account").click()
    expect(page.get_by_text("Deletion cancelled")).to_be_visible()
    album.take(page, "deletion-cancelled")
    page.goto(base + "/privacy/delete/")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.locator("#frozen-account")).to_be_visible()
    album.take(page, "deletion-asked-again")
    assert purge_due_deletions(now=timezone.now() + timedelta(days=14, minutes=1)) == 1
    outbox.run_due()
    page.goto(base + "/dashboard/")
    page.wait_for_url("**/accounts/login/**")
    album.take(page, "gone")
    context.close()

    # Nothing of them is left.
    words = [EMAIL, NAME, "7946 0123", "Lena CV"]
    assert rows_referring_to(person.pk, words) == []
    # Stored files: only the tombstone's journal (a hash and two dates, so that a restored
    # backup can be erased again).
    media = Path(django_settings.MEDIA_ROOT)
    left = [p for p in media.rglob("*") if p.is_file()]
    assert [str(p.relative_to(media).parent) for p in left] == [JOURNAL_PREFIX]
    assert not _mentions(left[0].name, left[0].read_text(), words)
    assert [key for key, value in cache_entries().items() if _mentions(key, value, words)] == []
    assert payments.deleted_customers == [customer]
    assert errors == []


def _mentions(key: str, value: object, words: list[str]) -> bool:
    text = f"{key} {value!r}".lower()
    return any(word.lower() in text for word in words)
