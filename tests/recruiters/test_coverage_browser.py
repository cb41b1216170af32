"""The landing page's count in headless Chromium: a visitor types a role and a place
and sees how many recruiters cover them, never who."""

from __future__ import annotations

import pytest

from . import builders as b

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_sees_how_many_recruiters_cover_attorney_in_london(live_server, live_browser):
    lawyers, london = b.occupation("2611"), b.city("London")
    b.recruiter(occupations=[lawyers], places=[london], name="Ada Placer")
    b.recruiter(occupations=[lawyers], places=[london], name="Bea Finder")
    page = live_browser
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and violations.append(message.text)
        ),
    )
    page.goto(live_server.url + "/")
    role = page.get_by_role("combobox", name="Role")
    role.press_sequentially("attorney in London", delay=20)
    page.get_by_role("option", name="Attorney in London, United Kingdom").click()
    result = page.locator("#coverage-result")
    page.get_by_text(
        "2 recruiters cover Attorney in London, United Kingdom. "
        "How they answer: not enough data yet."
    ).wait_for()
    assert page.get_by_role("combobox", name="Place").input_value() == "London, United Kingdom"
    assert "Ada" not in page.content() and "Bea" not in page.content()

    # Another place, chosen in its own box.
    place = page.get_by_role("combobox", name="Place")
    place.fill("")
    place.press_sequentially("Sydney", delay=20)
    page.get_by_role("option", name="Sydney, New South Wales, Australia").click()
    page.get_by_text("No recruiter covers Attorney in Sydney").wait_for()
    assert result.is_visible()
    assert violations == []
