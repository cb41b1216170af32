"""A browser that asks for French sees French; the language menu works without scripts."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def french_browser(_chromium):
    """A fresh page in a browser whose language is French (its Accept-Language)."""
    context = _chromium.new_context(locale="fr-FR", java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_a_french_browser_sees_french_and_the_menu_switches_it_to_english(
    live_server, french_browser
):
    page = french_browser
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Envoyez votre CV aux recruteurs qui placent des profils comme le vôtre"
    assert page.get_by_role("button", name="Créer un compte").is_visible()
    assert page.get_by_label("Langue").input_value() == "fr"

    page.goto(live_server.url + "/accounts/login/")
    assert page.locator("main").get_by_role("heading", level=1).inner_text() == "Se connecter"

    # The menu is a plain form (scripts are off in this browser): choose English.
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer de langue").click()
    page.wait_for_url("**/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main").get_by_role("heading", level=1).inner_text() == "Log in"

    [cookie] = [c for c in page.context.cookies() if c["name"] == "jl_language"]
    assert cookie["value"] == "en"
    assert cookie["expires"] == -1  # a browser-session cookie: gone when the browser closes
    assert cookie["httpOnly"]

    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Send your CV to the recruiters who place people like you"
    )
