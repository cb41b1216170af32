"""§2.9 and §6 in Chromium: nothing optional before consent, present after; 360 px wide."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from community.cookies import PLACE_COOKIE
from privacy import cookies
from privacy.cookies import CHOICE_COOKIE, Category
from taxonomy.models import Place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def _storage(page) -> dict:
    return page.evaluate(
        "() => ({local: Object.keys(localStorage), session: Object.keys(sessionStorage)})"
    )


def _cookie_names(page) -> dict[str, str]:
    return {c["name"]: c["value"] for c in page.context.cookies()}


def _optional(names) -> list[str]:
    """Cookies set that are not strictly necessary (undeclared ones count as optional)."""
    found = []
    for name in names:
        declaration = cookies.declaration_of(name)
        if declaration is None or declaration.category is not Category.NECESSARY:
            found.append(name)
    return found


def _fits_the_screen(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways ({width}px)"


@pytest.fixture
def london(transactional_db) -> Place:
    return Place.objects.filter(kind="city", name="London").order_by("-population").first()


@pytest.fixture
def phone(live_browser):
    page = live_browser
    page.set_viewport_size(PHONE)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.problems = problems
    return page


def test_nothing_optional_before_consent_and_present_after(live_server, phone, london):
    page = phone
    page.goto(live_server.url + "/")
    banner = page.locator("#cookie-banner")
    expect(banner).to_be_visible()

    # Before any choice: browsing and filtering the community store nothing optional.
    page.goto(f"{live_server.url}/community/?place={london.pk}")
    expect(banner).to_be_visible()
    assert _optional(_cookie_names(page)) == []
    assert _storage(page) == {"local": [], "session": []}

    # The banner at 360 px: inside the screen, buttons reachable, nothing sideways.
    box = banner.bounding_box()
    assert box["width"] <= PHONE["width"] and box["height"] <= PHONE["height"] * 0.8
    accept = banner.get_by_role("button", name="Accept all")
    necessary = banner.get_by_role("button", name="Only necessary")
    for button in (accept, necessary):
        expect(button).to_be_visible()
        assert button.bounding_box()["x"] + button.bounding_box()["width"] <= PHONE["width"]
    _fits_the_screen(page)
    banner.get_by_text("Choose for each kind").click()
    expect(banner.get_by_role("switch", name="Preferences")).to_be_visible()
    _fits_the_screen(page)

    # Accept all: saved by the script, without leaving the page; the banner goes.
    url = page.url
    accept.click()
    expect(banner).to_have_count(0)
    assert page.url == url
    assert _cookie_names(page)[CHOICE_COOKIE] == "v1.preferences.analytics"

    # Now the place filter is remembered, in a preference cookie.
    page.goto(f"{live_server.url}/community/?place={london.pk}")
    assert _cookie_names(page)[PLACE_COOKIE] == str(london.pk)
    assert _optional(_cookie_names(page)) == [PLACE_COOKIE]
    page.goto(live_server.url + "/community/")
    expect(page.get_by_text("the place you chose last time")).to_be_visible()
    expect(page.locator("#cookie-banner")).to_have_count(0)
    assert page.problems == []


def test_the_cookie_page_works_at_360px_and_a_withdrawal_removes_the_cookie(
    live_server, phone, london
):
    page = phone
    page.goto(live_server.url + "/privacy/cookies/")
    expect(page.locator("#cookie-banner")).to_have_count(0)  # the page is the banner here
    table = page.locator("table.cookie-table")
    for declaration in cookies.declared_cookies():
        expect(table.get_by_text(declaration.name, exact=True)).to_be_attached()
    _fits_the_screen(page)

    page.get_by_role("button", name="Accept all").click()
    expect(page.locator("#cookie-choice-status")).to_have_text("Your cookie choices were saved.")
    page.goto(f"{live_server.url}/community/?place={london.pk}")
    assert PLACE_COOKIE in _cookie_names(page)

    page.goto(live_server.url + "/privacy/cookies/")
    preferences = page.get_by_role("switch", name="Preferences")
    expect(preferences).to_be_checked()
    preferences.uncheck()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.locator("#cookie-choice-status")).to_have_text("Your cookie choices were saved.")
    names = _cookie_names(page)
    assert names[CHOICE_COOKIE] == "v1.analytics" and PLACE_COOKIE not in names
    assert page.problems == []


def test_the_banner_works_without_javascript(live_server, _chromium):
    context = _chromium.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/privacy/data/")
        banner = page.locator("#cookie-banner")
        expect(banner).to_be_visible()
        banner.get_by_role("button", name="Only necessary").click()
        page.wait_for_url("**/privacy/data/")
        expect(page.locator("#cookie-banner")).to_have_count(0)
        expect(page.get_by_text("Your cookie choices were saved.")).to_be_visible()
        values = {c["name"]: c["value"] for c in context.cookies()}
        assert values[CHOICE_COOKIE] == "v1"
        assert _optional(values) == []
    finally:
        context.close()
