"""The staff desk in Chromium: on a laptop (1,280 px) the admin's lists are tables, on a
phone (360 px) they scroll inside their box, and a person's page lists and links
everything about them. Screenshots of these pages are saved by test_every_page_fits.py."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from jobletters.admin_site import PERSON_PAGE
from privacy.rights.deletion import request_deletion
from recruiters import sending
from tests.factories import UserFactory
from tests.privacy.builders import person_with_everything
from tests.recruiters.builders import city, occupation, ready_seeker, recruiter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP, PHONE = 1280, 360

# The list's box, and the table in it: stacked into labelled rows, or wider than the box.
MEASURE = """() => {
  const box = document.querySelector('#changelist-form .results');
  return {stacked: box.querySelector('table').classList.contains('table-stacked'),
          scrolls: box.scrollWidth > box.clientWidth + 1,
          page: document.documentElement.scrollWidth,
          sidebar_open: document.getElementById('main').classList.contains('shifted')};
}"""


def _staff_page(_chromium, live_server, staff, width: int):
    client = Client()
    client.force_login(staff)
    context = _chromium.new_context(viewport={"width": width, "height": 800})
    context.set_default_timeout(15_000)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return context, context.new_page()


def test_seven_deliveries_are_a_table_on_a_laptop(live_server, _chromium, staff_with_mfa):
    lawyers, london = occupation("2611"), city("London")
    seeker = ready_seeker(
        UserFactory(name="Lena Lindqvist"), occupations=[lawyers], places=[london]
    )
    ids = [recruiter(occupations=[lawyers], places=[london]).pk for _ in range(7)]
    plan = sending.plan_send(seeker=seeker, recruiter_ids=ids)
    sending.confirm_send(
        seeker=seeker, recruiter_ids=ids, include_contact=False, consent_given=True,
        digest=plan.digest,
    )  # fmt: skip
    address = live_server.url + reverse("admin:recruiters_delivery_changelist")

    context, page = _staff_page(_chromium, live_server, staff_with_mfa, LAPTOP)
    page.goto(address)
    expect(page.locator("#result_list tbody tr")).to_have_count(7)
    assert page.evaluate(MEASURE) == {
        "stacked": False, "scrolls": False, "page": LAPTOP, "sidebar_open": False
    }  # fmt: skip
    # The sidebar is folded, not gone: its button opens it, and the choice is kept.
    page.locator("#toggle-nav-sidebar").click()
    expect(page.locator("#main")).to_have_class(re.compile(r"\bshifted\b"))
    page.reload()
    expect(page.locator("#main")).to_have_class(re.compile(r"\bshifted\b"))
    context.close()

    context, page = _staff_page(_chromium, live_server, staff_with_mfa, PHONE)
    page.goto(address)
    measured = page.evaluate(MEASURE)
    # Still a table: it scrolls sideways inside its box, and the page itself fits.
    assert (measured["stacked"], measured["scrolls"], measured["page"]) == (False, True, PHONE)
    context.close()


def test_a_person_s_page_lists_and_links_everything_about_them(
    live_server, _chromium, staff_with_mfa
):
    lena = UserFactory(email="lena.lindqvist@example.org", name="Lena Lindqvist")
    person_with_everything(lena, staff=staff_with_mfa)  # sends, purchases, every kind of row
    request_deletion(user=lena)

    context, page = _staff_page(_chromium, live_server, staff_with_mfa, LAPTOP)
    page.goto(live_server.url + reverse("admin:accounts_user_changelist"))
    page.locator("#searchbar").fill("lena")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="See everything").click()
    expect(page.get_by_role("heading", name="Lena Lindqvist")).to_be_visible()

    for section in PERSON_PAGE:
        box = page.locator(f'section[id="{section.model}"]')
        app_label, model_name = section.model.split(".")
        expect(box.locator(f'a[href^="/admin/{app_label}/{model_name}/"]').first).to_be_visible()
        assert not box.locator("table.table-stacked").count(), section.model
    deletion = page.locator('section[id="privacy.deletionrequest"]')
    expect(deletion.get_by_text("(on time)")).to_be_visible()
    purchases = page.locator('section[id="billing.purchase"]')
    expect(purchases.locator('option[value="refund_on_stripe"]')).to_have_count(1)
    expect(page.get_by_role("link", name="Add legal hold")).to_be_visible()

    # A row leads to its own page: the packet, with what happened to it.
    page.locator('section[id="recruiters.delivery"] tbody a').first.click()
    expect(page.get_by_text("Rita Recruiter, Acme Agency").first).to_be_visible()
    expect(page.locator(".field-timeline")).to_contain_text("Opened")
    context.close()
