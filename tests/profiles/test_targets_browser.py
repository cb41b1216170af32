"""Stating targets in headless Chromium: "attorney in London" offers the pair, the
chosen title is kept, limits and refusals are on screen, typed words never guessed."""

from __future__ import annotations

import pytest

from profiles.models import Profile
from taxonomy.models import Occupation, Place
from tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def profile_page(live_server, live_browser, seeker):
    page = live_browser
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and violations.append(message.text)
        ),
    )
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(seeker.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")
    page.goto(live_server.url + "/profile/")
    yield page
    assert violations == []


def test_attorney_in_london_chosen_with_the_keyboard_fills_both_boxes(profile_page, seeker):
    page = profile_page
    occupations = page.get_by_role("combobox", name="Occupations you are looking for")
    occupations.press_sequentially("attorney in London", delay=20)
    pair = page.get_by_role("option", name="Attorney (Lawyers) in London, United Kingdom")
    pair.wait_for()
    listbox = page.locator("#" + occupations.get_attribute("aria-controls"))
    assert listbox.get_by_role("option").first.text_content() == (
        "Attorney (Lawyers) in London, United Kingdom"
    )
    occupations.press("ArrowDown")
    occupations.press("Enter")

    assert page.locator("#id_target_occupations_chosen").inner_text().strip() == (
        "Attorney (Lawyers)"
    )
    assert page.locator("#id_target_places_chosen").inner_text().strip() == (
        "London, United Kingdom"
    )
    assert page.locator("#id_target_occupations_count").inner_text() == "1 of 5 chosen"
    assert page.locator("#id_target_places_count").inner_text() == "1 of 5 chosen"
    assert page.get_by_text("Attorney (Lawyers) and London, United Kingdom chosen.").is_visible()
    assert occupations.input_value() == ""

    page.get_by_label("Open to recruiters").check()
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Your profile was saved.").wait_for()
    profile = Profile.objects.get(user=seeker)
    assert [t.label for t in profile.occupation_targets.all()] == ["Attorney (Lawyers)"]
    assert [p.label for p in profile.target_places.all()] == ["London, United Kingdom"]
    # Shown again as chosen, with the title and its group.
    assert page.locator("#id_target_occupations_chosen").inner_text().strip() == (
        "Attorney (Lawyers)"
    )


def test_a_sixth_place_is_refused_on_screen(profile_page, seeker):
    page = profile_page
    places = page.get_by_role("combobox", name="Where you want to work")
    for q, name in [
        ("Paris", "Paris, France"),
        ("Berlin", "Berlin, Germany"),
        ("Madrid", "Madrid, Spain"),
        ("Rome", "Rome, Italy"),
        ("Vienna", "Vienna, Austria"),
    ]:
        places.fill("")
        places.press_sequentially(q, delay=20)
        page.get_by_role("option", name=name, exact=True).click()
    assert page.locator("#id_target_places_count").inner_text() == "5 of 5 chosen"
    places.fill("")
    places.press_sequentially("Lisbon", delay=20)
    page.get_by_role("option", name="Lisbon, Portugal").click()
    refusal = page.get_by_text("You can choose at most 5 places. Untick one to add Lisbon")
    assert refusal.is_visible()
    assert page.locator("#id_target_places_chosen input:checked").count() == 5
    # Unticking one makes room, and the count says so.
    page.get_by_label("Rome, Italy").uncheck()
    assert page.locator("#id_target_places_count").inner_text() == "4 of 5 chosen"


def test_typed_words_never_chosen_are_not_guessed(profile_page, seeker):
    page = profile_page
    places = page.get_by_role("combobox", name="Where you want to work")
    places.fill("Paris")  # typed, never chosen from the list
    page.get_by_role("button", name="Save profile").click()
    # Said in the summary at the top (linked to the field) and beside the field.
    summary = page.locator(".error-summary")
    summary.get_by_text("We did not add “Paris”").wait_for()
    assert page.get_by_text("We did not add “Paris”").count() == 2
    assert not Profile.objects.filter(user=seeker).exists()
    page.get_by_label("Paris, France").check()
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Your profile was saved.").wait_for()
    paris = Place.objects.get(kind="city", name="Paris", country="FR")
    assert list(Profile.objects.get(user=seeker).target_places.all()) == [paris]
    assert Occupation.objects.exists()
