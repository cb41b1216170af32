"""The staff admin: models grouped as staff think of them, an icon, and a plain refusal."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin

from jobletters.admin_site import OTHER, group_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_admin(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    return client


def _sections(html: str) -> list[str]:
    return re.findall(r'<caption>\s*<span class="section">([^<]+)</span>', html)


def test_the_index_shows_one_section_per_kind_of_work(staff_admin):
    html = staff_admin.get("/admin/").content.decode()
    assert _sections(html) == [
        "People",
        "Billing",
        "Recruiters",
        "Privacy desk",
        "Communications, support and community",
        "Taxonomy",
        "Running the site",
    ]
    assert ">Accounts<" not in html


def test_a_person_s_records_are_together_under_people(staff_admin):
    app_list = staff_admin.get("/admin/").context["app_list"]
    people = next(group for group in app_list if group["app_label"] == "people")
    names = [model["object_name"] for model in people["models"]]
    assert names[:4] == ["User", "EmailAddress", "Authenticator", "UserSession"]
    assert {"Profile", "ContactDetails", "CV", "SignIn"} <= set(names)


def test_every_admin_model_belongs_to_a_named_group():
    # A new model shows under "Other" until it is placed in jobletters/admin_site.py.
    other = [
        model._meta.label_lower
        for model in admin.site._registry
        if group_of(model._meta.app_label, model._meta.model_name) == OTHER[0]
    ]
    assert other == []


def test_an_app_s_own_page_still_lists_that_app(staff_admin):
    response = staff_admin.get("/admin/privacy/")
    assert response.status_code == 200
    [app] = response.context["app_list"]
    assert app["app_label"] == "privacy"


def test_a_seeker_opening_the_admin_is_told_plainly_without_a_traceback(seeker_client, caplog):
    caplog.set_level(logging.INFO)
    response = seeker_client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert response.templates[0].name == "403.html"
    assert b"Not allowed" in response.content
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_favicon_ico_answers_with_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == settings.STATIC_URL + "favicon.ico"
    icon = Path(settings.BASE_DIR, "static", "favicon.ico").read_bytes()
    assert icon[:4] == b"\x00\x00\x01\x00"  # an ICO file's header


def test_admin_and_error_pages_name_the_icon(staff_admin, client):
    link = b'<link rel="icon" href="/static/favicon.ico"'
    assert link in staff_admin.get("/admin/").content
    assert link in staff_admin.get("/admin/accounts/user/").content
    assert link in client.get("/no-such-page/").content
