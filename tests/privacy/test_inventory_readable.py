"""The public data inventory reads as a page for people: grouped by policy section, one
disclosure widget per kind of data, field names in words, a few screens on a phone."""

from __future__ import annotations

import pytest
from django.test import Client

from privacy.registry.declarations import by_section, declarations

PROGRAMMERS_WORDS = ("action flag", "content type", "object repr", "object id", "expire date")


@pytest.mark.django_db
def test_the_inventory_is_grouped_and_in_words():
    page = Client().get("/privacy/data/").content.decode()
    main = page.split("<main", 1)[1]
    assert main.count("<details") == len(declarations())
    assert main.count("<section") == len(by_section())
    assert "<table" not in main
    for words in PROGRAMMERS_WORDS:
        assert words not in main.lower(), words
    staff_changes = main.split("<summary>Changes staff made to your data</summary>", 1)[1]
    assert (
        "When, what was done (added, changed or deleted), the kind of record"
        in (staff_changes.split("</details>", 1)[0])
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_inventory_is_a_few_screens_on_a_phone(live_server, _chromium):
    context = _chromium.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/privacy/data/")
    height = page.evaluate("document.documentElement.scrollHeight")
    page.locator("summary").first.click()  # a widget opens to show its details
    opened = page.evaluate("document.documentElement.scrollHeight")
    context.close()
    assert height <= 5 * 800, f"{height} px"
    assert opened > height
