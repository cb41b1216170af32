"""A browser that asks for French gets the scripts' messages in French (headless Chromium):
the landing page's count and the autocomplete, with the site's CSP in force."""

from __future__ import annotations

import re

import pytest

from ..recruiters import builders as b

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_landing_page_counts_in_french_for_a_french_browser(live_server, live_browser):
    lawyers, london = b.occupation("2611"), b.city("London")
    b.recruiter(occupations=[lawyers], places=[london], name="Ada Placer")
    b.recruiter(occupations=[lawyers], places=[london], name="Bea Finder")
    page = live_browser
    page.set_extra_http_headers({"Accept-Language": "fr"})
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and violations.append(message.text)
        ),
    )
    page.goto(live_server.url + "/")
    page.wait_for_function("() => window.django && window.django.catalog['Counting…']")

    role = page.locator("#coverage-role")
    role.press_sequentially("attorney in London", delay=20)
    # Place names are in French too: the first is Londres, Royaume-Uni.
    page.get_by_role("option", name=re.compile(r"^Attorney à Londres, ")).first.click()
    counted = re.compile(r"^2 recruteurs couvrent Attorney à Londres, ")
    page.get_by_text(counted).wait_for()

    place = page.locator("#coverage-place")
    place.fill("")
    place.press_sequentially("qqzzxq", delay=20)
    page.get_by_text("Aucune suggestion pour « qqzzxq ». Essayez d\u2019autres mots.").wait_for()
    assert violations == []
