"""Stating targets in headless Chromium: a job and a place typed in any common form offer
the pair (and the job alone), the chosen title is kept, limits and refusals are on
screen, typed words never guessed."""

from __future__ import annotations

import pytest

from profiles import services
from profiles.models import Profile, Target
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


def _labels(user) -> list[str]:
    return [t.label for t in Profile.objects.get(user=user).targets.all()]


def _chosen(page) -> list[str]:
    return [line.strip() for line in page.locator("#id_targets_chosen").inner_text().splitlines()]


def test_software_developer_munich_offers_the_pair_and_the_job_alone(profile_page, seeker):
    page = profile_page
    box = page.get_by_role("combobox", name="Jobs you are looking for, and where")
    box.press_sequentially("software developer Munich", delay=20)
    pair = page.get_by_role("option", name="Software developer in Munich, Germany")
    pair.wait_for()
    listbox = page.locator("#" + box.get_attribute("aria-controls"))
    options = listbox.get_by_role("option")
    assert options.first.text_content() == "Software developer in Munich, Germany"
    assert listbox.get_by_role("option", name="Software developer", exact=True).is_visible()
    box.press("ArrowDown")
    box.press("Enter")
    assert page.locator("#id_targets_count").inner_text() == "1 of 10 chosen"
    assert box.input_value() == ""

    # The job alone, then its place.
    box.press_sequentially("lawyer", delay=20)
    page.get_by_role("option", name="Lawyer", exact=True).click()
    assert box.input_value() == "Lawyer, "
    box.press_sequentially("London", delay=20)
    page.get_by_role("option", name="Lawyer in London, United Kingdom").click()
    assert _chosen(page) == [
        "Software developer in Munich, Germany",
        "Lawyer in London, United Kingdom",
    ]
    assert page.locator("#id_targets_count").inner_text() == "2 of 10 chosen"

    page.get_by_label("Open to recruiters").check()
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Your profile was saved.").wait_for()
    # Pairs, as chosen: never "lawyer in Munich".
    assert _labels(seeker) == [
        "Software developer in Munich, Germany",
        "Lawyer in London, United Kingdom",
    ]
    assert _chosen(page) == _labels(seeker)


def test_an_eleventh_target_is_refused_on_screen(live_server, profile_page, seeker):
    lawyers = Occupation.objects.get(code="2611")
    cities = Place.objects.filter(kind="city", country="FR")[:10]
    services.update_profile(
        user=seeker,
        name=seeker.name,
        contact={},
        professional={},
        targets=[Target(occupation=lawyers, place=city) for city in cities],
    )
    page = profile_page
    page.goto(live_server.url + "/profile/")
    assert page.locator("#id_targets_count").inner_text() == "10 of 10 chosen"
    box = page.get_by_role("combobox", name="Jobs you are looking for, and where")
    box.press_sequentially("nurse in Leeds", delay=20)
    page.get_by_role("option", name="Nurse in Leeds, United Kingdom").click()
    refusal = page.get_by_text(
        "You can choose at most 10 targets. Untick one to add Nurse in Leeds, United Kingdom."
    )
    assert refusal.is_visible()
    assert page.locator("#id_targets_chosen input:checked").count() == 10
    # Unticking one makes room, and the count says so.
    page.locator("#id_targets_chosen input").first.uncheck()
    assert page.locator("#id_targets_count").inner_text() == "9 of 10 chosen"


def test_typed_words_never_chosen_are_not_guessed(profile_page, seeker):
    page = profile_page
    box = page.get_by_role("combobox", name="Jobs you are looking for, and where")
    box.fill("lawyer in Paris")  # typed, never chosen from the list
    page.get_by_role("button", name="Save profile").click()
    # Said in the summary at the top (linked to the field) and beside the field.
    summary = page.locator(".error-summary")
    summary.get_by_text("We did not add “lawyer in Paris”").wait_for()
    assert page.get_by_text("We did not add “lawyer in Paris”").count() == 2
    assert not Profile.objects.filter(user=seeker).exists()
    page.get_by_label("Lawyer in Paris, France").check()
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Your profile was saved.").wait_for()
    assert _labels(seeker) == ["Lawyer in Paris, France"]
