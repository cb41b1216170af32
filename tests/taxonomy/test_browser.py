"""The autocomplete combobox in headless Chromium, against the real endpoints.

The markup follows the contract at the top of static/js/taxonomy-autocomplete.js;
it is put on a real page of the site (so the site's CSP applies) and the script
is loaded from static files, as a template would.
"""

from __future__ import annotations

import pytest
from django.templatetags.static import static
from django.urls import reverse

from taxonomy.models import Occupation, OccupationTitle, Place

pytestmark = pytest.mark.browser

MARKUP = """
<form id="targets-form" action="/nowhere/" method="get">
  <label for="occupation-search">Targets</label>
  <input type="text" id="occupation-search"
         data-autocomplete-url="{occupations}"
         data-autocomplete-list="chosen" data-autocomplete-name="targets"
         data-autocomplete-max="2" data-autocomplete-noun="target" data-autocomplete-targets>
  <ul id="chosen"></ul>
  <label for="place-search">Place</label>
  <input type="text" id="place-search" data-autocomplete-url="{places}"
         data-autocomplete-value="place-id">
  <input type="hidden" id="place-id" name="place">
</form>
"""


@pytest.fixture
def page(live_server, live_browser, transactional_db):
    page = live_browser
    violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and violations.append(message.text)
        ),
    )
    # A page without comboboxes of its own (the landing page has two).
    page.goto(live_server.url + "/privacy/")
    markup = MARKUP.format(
        occupations=reverse("taxonomy:occupations"), places=reverse("taxonomy:places")
    )
    page.evaluate(
        "html => document.querySelector('main').insertAdjacentHTML('beforeend', html)", markup
    )
    page.add_script_tag(url=live_server.url + static("js/taxonomy-autocomplete.js"))
    page.wait_for_function("() => window.taxonomyAutocomplete !== undefined")
    yield page
    assert violations == []


def test_keyboard_choice_adds_the_target_to_the_list(page):
    search = page.get_by_role("combobox", name="Targets")
    assert search.get_attribute("aria-expanded") == "false"
    search.press_sequentially("attorney Lond", delay=30)
    option = page.get_by_role("option", name="Attorney in London, United Kingdom")
    option.wait_for()
    assert search.get_attribute("aria-expanded") == "true"
    assert "suggestion" in page.locator("#occupation-search-status").text_content()
    # The number of suggestions is for screen readers (visually hidden): the list shows it.
    hidden = page.locator("#occupation-search-status span")
    assert "use up and down arrows" in hidden.text_content()
    assert hidden.evaluate("e => e.getBoundingClientRect().width") <= 1
    # The job alone is offered too.
    assert page.get_by_role("option", name="Attorney", exact=True).is_visible()

    search.press("ArrowDown")
    active = search.get_attribute("aria-activedescendant")
    assert active == page.get_by_role("option").first.get_attribute("id")
    assert page.get_by_role("option").first.get_attribute("aria-selected") == "true"
    search.press("Enter")

    lawyers = Occupation.objects.get(code="2611")
    attorney = OccupationTitle.objects.get(occupation=lawyers, normalised="attorney")
    london = Place.objects.get(name="London", country="GB", kind="city")
    value = f"{lawyers.pk}.{attorney.pk}@{london.pk}"
    box = page.locator(f'#chosen input[name="targets"][value="{value}"]')
    assert box.is_checked()
    assert page.locator("#chosen").inner_text().strip() == "Attorney in London, United Kingdom"
    assert page.get_by_text("Attorney in London, United Kingdom chosen.").is_visible()
    assert search.input_value() == ""
    assert search.get_attribute("aria-expanded") == "false"
    assert "/nowhere/" not in page.url  # Enter chose; it did not submit the form


def test_a_job_alone_waits_for_its_place(page):
    search = page.get_by_role("combobox", name="Targets")
    search.press_sequentially("attor", delay=30)
    page.get_by_role("option", name="Attorney", exact=True).click()
    assert search.input_value() == "Attorney, "
    assert page.locator("#chosen li").count() == 0  # not a target without a place
    assert page.get_by_text("Now type where you want to work as Attorney, or Remote.").is_visible()
    search.press_sequentially("Munich", delay=30)
    page.get_by_role("option", name="Attorney in Munich, Germany").click()
    assert page.locator("#chosen").inner_text().strip() == "Attorney in Munich, Germany"


def test_the_same_job_and_place_under_another_title_replaces_it(page):
    search = page.get_by_role("combobox", name="Targets")
    search.press_sequentially("lawyer in London", delay=30)
    page.get_by_role("option", name="Lawyer in London, United Kingdom").click()
    search.press_sequentially("solicitor in London", delay=30)
    page.get_by_role("option", name="Solicitor in London, United Kingdom").click()
    assert page.locator("#chosen input").count() == 1
    assert page.locator("#chosen").inner_text().strip() == "Solicitor in London, United Kingdom"


def test_escape_closes_then_clears(page):
    search = page.get_by_role("combobox", name="Place")
    search.press_sequentially("Lond", delay=30)
    page.get_by_role("option", name="London, United Kingdom").wait_for()
    assert page.get_by_role("option").first.text_content() == "London, United Kingdom"
    search.press("Escape")
    assert search.get_attribute("aria-expanded") == "false"
    assert page.locator("#place-search-listbox").is_hidden()
    search.press("Escape")
    assert search.input_value() == ""


def test_click_chooses_a_single_place_into_the_hidden_field(page):
    search = page.get_by_role("combobox", name="Place")
    search.press_sequentially("London, Cana", delay=30)
    page.get_by_role("option", name="London, Ontario, Canada").click()
    london_ca = Place.objects.get(name="London", country="CA", kind="city")
    assert page.locator("#place-id").input_value() == str(london_ca.pk)
    assert search.input_value() == "London, Ontario, Canada"


def test_the_list_refuses_more_than_its_maximum(page):
    search = page.get_by_role("combobox", name="Targets")
    for q, name in (
        ("nurse in Leeds", "Nurse in Leeds, United Kingdom"),
        ("chef in Lyon", "Chef in Lyon, France"),
    ):
        search.fill("")
        search.press_sequentially(q, delay=30)
        page.get_by_role("option", name=name).click()
    search.press_sequentially("lawyer in London", delay=30)
    page.get_by_role("option", name="Lawyer in London, United Kingdom").click()
    assert page.locator("#chosen input:checked").count() == 2
    # Refused on screen, not only to screen readers.
    refusal = page.get_by_text("You can choose at most 2 targets.")
    assert refusal.is_visible()
    assert "Untick one to add Lawyer in London, United Kingdom." in refusal.text_content()


def test_no_suggestions_is_said_on_screen(page):
    search = page.get_by_role("combobox", name="Place")
    search.press_sequentially("Qqxzzv", delay=30)
    message = page.get_by_text("No suggestions for “Qqxzzv”. Try other words.")
    message.wait_for()
    assert message.is_visible()


def test_a_place_found_by_another_name_says_which(page):
    search = page.get_by_role("combobox", name="Place")
    search.press_sequentially("Munchen", delay=30)
    option = page.get_by_role("option", name="Munich, Germany (München)")
    option.wait_for()
    option.click()
    munich = Place.objects.get(name="Munich", country="DE", kind="city")
    assert page.locator("#place-id").input_value() == str(munich.pk)
    assert search.input_value() == "Munich, Germany"
