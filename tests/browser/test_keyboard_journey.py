"""The seeker's main journey with the keyboard alone, in Chromium: sign up, profile, CV,
matches, consent and send, by Tab, Shift+Tab, Enter, Space and the arrow keys (no mouse,
no clicks, no filling fields from the test). Every control on the way is reached and
works; each element that takes the focus shows it (an outline or a ring, read from its
computed style); a form sent back with problems puts the focus on its summary of them, and
passes axe as it stands.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from billing.ledger import grant_complimentary_sends
from profiles.demo import demo_cv_pdf
from profiles.models import CV
from recruiters.models import Delivery
from tests.factories import UserFactory
from tests.recruiters.builders import city, occupation, recruiter
from tests.utils import wait_until

from . import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-unusual-passphrase"

# The focused element: what it is called, and whether the focus shows on it.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const ring = style.boxShadow && style.boxShadow !== 'none';
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  const name = el.getAttribute('aria-label') || label || el.innerText || el.value || '';
  return {
    id: el.id,
    name: name.replace(/\\s+/g, ' ').trim(),
    tag: el.tagName.toLowerCase(),
    summary: el.classList.contains('error-summary'),
    shown: outline || ring,
  };
}"""


class Keyboard:
    """Moves through a page as a keyboard user does, noting any focus that does not show."""

    def __init__(self, page):
        self.page = page
        self.unseen: list[str] = []

    def focused(self) -> dict | None:
        return self.page.evaluate(FOCUSED)

    def tab_to(self, name: str, *, back: bool = False, limit: int = 80) -> None:
        """Tab (or Shift+Tab) until the control called ``name`` (or ``#its-id``) has the focus."""
        pattern = re.compile(rf"^{re.escape(name)}", re.IGNORECASE)
        seen = []
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if back else "Tab")
            now = self.focused()
            if now is None:
                continue
            if not now["shown"]:
                self.unseen.append(f"{self.page.url}: {now['tag']} {now['name']!r}")
            if pattern.search(now["name"]) or name == f"#{now['id']}":
                return
            seen.append(now["name"][:40])
        raise AssertionError(f"{name!r} cannot be reached with the keyboard; went by {seen}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text, delay=5)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)


def test_the_main_journey_with_the_keyboard_alone(live_server, live_browser, settings, tmp_path):
    settings.SITE_URL = live_server.url
    lawyers, london = occupation("2611"), city("London")
    rita = recruiter(occupations=[lawyers], places=[london], name="Rita Recruiter")
    page = live_browser
    # Chromium hands file choosers to the test only once it has been told to (a message
    # Playwright sends when the first listener is added, without waiting for it): told
    # here, well before the key that opens one, not in a race with that key.
    page.on("filechooser", lambda chooser: None)
    axe.install(page.context)  # the pages with problems shown pass axe too
    keys = Keyboard(page)

    # Sign up, from the home page. Two passwords that differ: the summary takes the focus.
    page.goto(live_server.url + "/")
    keys.tab_to("Sign up")
    keys.press("Enter")
    page.wait_for_url("**/accounts/signup/")
    keys.tab_to("Email")
    keys.type("keyboard@example.com")
    keys.tab_to("Password")
    keys.type(PASSWORD)
    keys.tab_to("Password (again)")
    keys.type(PASSWORD + "-not-the-same")
    keys.press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    assert axe.audit(page) == ([], [])
    # The summary links to the field, and the link takes the focus there.
    keys.tab_to("Password (again)")
    keys.press("Enter")
    expect(page.locator("#id_password2")).to_be_focused()
    keys.tab_to("Password", back=True)
    keys.type(PASSWORD)
    keys.tab_to("Password (again)")
    keys.type(PASSWORD)
    keys.tab_to("Sign up")
    keys.press("Space")
    page.wait_for_url("**/accounts/confirm-email/")

    # The link in the email, then the button that confirms; then sign in.
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    keys.tab_to("Yes, confirm my address")
    keys.press("Enter")
    page.wait_for_url("**/accounts/login/**")
    keys.tab_to("Email")
    keys.type("keyboard@example.com")
    keys.tab_to("Password")
    keys.type(PASSWORD)
    keys.press("Enter")
    page.wait_for_url("**/dashboard/")
    seeker = User.objects.get(email="keyboard@example.com")
    staff = UserFactory(email="granter@example.com", is_staff=True)
    grant_complimentary_sends(user=seeker, sends=3, staff=staff, reason="Keyboard test")

    # The profile: a name, a target chosen in the autocomplete with the arrow keys.
    keys.tab_to("Profile")
    keys.press("Enter")
    page.wait_for_url("**/profile/")
    keys.tab_to("Full name")
    keys.type("Kim Keys")
    keys.tab_to("Jobs you are looking for, and where")
    keys.type("lawyer London")
    expect(page.get_by_role("option", name="Lawyer in London, United Kingdom")).to_be_visible()
    keys.press("ArrowDown")
    keys.press("Enter")
    expect(page.locator("#id_targets_count")).to_have_text("1 of 10 chosen")
    keys.tab_to("Open to recruiters")
    keys.press("Space")
    keys.tab_to("Save profile")
    keys.press("Enter")
    expect(page.get_by_text("Your profile was saved.")).to_be_visible()

    # The job letter.
    keys.tab_to("Your job letter")
    keys.press("Enter")
    page.wait_for_url("**/profile/letter/")
    keys.tab_to("Your job letter")
    keys.type("Dear recruiter,\n\nI advise technology companies on contracts.\n\nKim")
    keys.tab_to("Save and preview")
    keys.press("Enter")
    page.wait_for_url("**/profile/letter/preview/")

    # A CV, from the profile page: the file input opens the file chooser on Space.
    keys.tab_to("Profile")
    keys.press("Enter")
    page.wait_for_url("**/profile/")
    keys.tab_to("Your CVs")
    keys.press("Enter")
    page.wait_for_url("**/profile/cv/")
    cv = tmp_path / "Kim CV.pdf"
    cv.write_bytes(demo_cv_pdf(["Kim Keys - Commercial lawyer", "Contracts, GDPR"]))
    keys.tab_to("CV file")
    assert keys.focused()["id"] == "id_file", (page.url, keys.focused())
    with page.expect_file_chooser() as chooser:
        keys.press("Space")
    chooser.value.set_files(cv)
    keys.tab_to("Upload")
    keys.press("Enter")
    expect(page.get_by_role("link", name="Kim CV.pdf")).to_be_visible()
    assert wait_until(lambda: CV.objects.filter(owner=seeker, state=CV.State.READY).exists())

    # Matches: tick Rita with Space, review; the consent box left empty is a problem
    # the summary says, with the focus on it; then agree and send.
    keys.tab_to("Recruiters")
    keys.press("Enter")
    page.wait_for_url("**/recruiters/matches/")
    keys.tab_to("Rita Recruiter")
    keys.press("Space")
    keys.tab_to("Review and agree")
    keys.press("Enter")
    page.wait_for_url("**/recruiters/send/**")
    keys.tab_to("Agree and send to 1 recruiter")
    keys.press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    assert axe.audit(page) == ([], [])
    keys.tab_to("#id_consent")
    keys.press("Space")
    keys.tab_to("Agree and send to 1 recruiter")
    keys.press("Enter")
    page.wait_for_url("**/recruiters/sends/**")
    assert Delivery.objects.filter(send__seeker=seeker, recruiter=rita).count() == 1

    assert keys.unseen == [], "the focus does not show on:\n" + "\n".join(keys.unseen)
