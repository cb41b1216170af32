"""A newcomer signs up, confirms their email from the inbox, logs in and out, in Chromium."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-unusual-passphrase"


def test_sign_up_confirm_log_in_see_dashboard_log_out(
    live_server, live_browser, smtp_sink, settings
):
    settings.SITE_URL = live_server.url
    page = live_browser
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Create an account").click()

    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/accounts/confirm-email/")

    [message] = smtp_sink.wait_for(1)
    assert message["To"] == "newcomer@example.com"
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", text).group(0)

    page.goto(link)
    page.locator("main").get_by_role("button", name="Confirm").click()

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your dashboard"
    assert "newcomer@example.com" in page.content()

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("link", name="Log in").is_visible()
    page.goto(live_server.url + "/dashboard/")
    assert "/accounts/login/" in page.url
