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


# --- What staff expect of the lists and pages ------------------------------------------------


def _person_in_every_list(staff):
    from tests.factories import UserFactory
    from tests.privacy.builders import person_with_everything

    lena = UserFactory(email="lena.lindqvist@example.org", name="Lena Lindqvist")
    person_with_everything(lena, staff=staff)
    return lena


@pytest.mark.parametrize("words", ["Lindqvist", "lena.lind", "LENA"])
def test_the_lists_about_people_find_them_by_name_or_part_of_their_email(
    staff_admin, staff_with_mfa, words
):
    from jobletters.admin_site import PERSON_PAGE

    _person_in_every_list(staff_with_mfa)
    for section in PERSON_PAGE:
        app_label, model_name = section.model.split(".")
        page = staff_admin.get(f"/admin/{app_label}/{model_name}/", {"q": words})
        assert page.status_code == 200, section.model
        assert page.context["cl"].result_count, f"{section.model}: nothing found for {words!r}"


def test_the_deliveries_are_found_by_the_seeker_s_first_name(staff_admin, staff_with_mfa):
    _person_in_every_list(staff_with_mfa)
    page = staff_admin.get("/admin/recruiters/delivery/", {"q": "lena"})
    assert "Rita Recruiter, Acme Agency" in page.content.decode()


def _read_only_pages(staff):
    from billing.models import WebhookEvent
    from jobletters.models import OutboxEntry
    from privacy.models import DeletionRequest, Disclosure, ExportRequest

    _person_in_every_list(staff)
    event = WebhookEvent.objects.create(stripe_event_id="evt_1", type="charge.refunded",
                                        status="applied")  # fmt: skip
    records = (OutboxEntry, Disclosure, DeletionRequest, ExportRequest)
    return [event, *(model.objects.first() for model in records)]


def test_read_only_pages_offer_no_save_and_no_delete(staff_admin, staff_with_mfa):
    for row in _read_only_pages(staff_with_mfa):
        meta = row._meta
        page = staff_admin.get(f"/admin/{meta.app_label}/{meta.model_name}/{row.pk}/change/")
        html = page.content.decode()
        assert page.status_code == 200
        assert 'name="_save"' not in html and 'name="_continue"' not in html, meta.label
        assert "deletelink" not in html, meta.label
        listing = staff_admin.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert "delete_selected" not in listing.content.decode(), meta.label
        deleting = staff_admin.post(f"/admin/{meta.app_label}/{meta.model_name}/{row.pk}/delete/")
        assert deleting.status_code == 403, meta.label


def test_failed_outbox_entries_can_be_run_again(staff_admin):
    from jobletters.models import OutboxEntry

    failed = OutboxEntry.objects.create(kind="emails.send", state="failed", last_error="SMTP 550")
    done = OutboxEntry.objects.create(kind="emails.send", state="done")
    listing = staff_admin.get("/admin/jobletters/outboxentry/").content.decode()
    assert re.findall(r'<option value="(\w+)"', listing) == ["run_again"]
    staff_admin.post(
        "/admin/jobletters/outboxentry/",
        {"action": "run_again", "_selected_action": [failed.pk, done.pk]},
    )
    failed.refresh_from_db()
    done.refresh_from_db()
    assert (failed.state, done.state) == ("pending", "done")


def test_dates_and_times_are_written_one_way_in_the_admin_and_in_each_language(
    staff_admin, staff_with_mfa
):
    from datetime import datetime

    from django.utils import timezone

    from accounts.models import User

    joined = timezone.make_aware(datetime(2026, 3, 7, 16, 38))
    User.objects.filter(pk=staff_with_mfa.pk).update(date_joined=joined)
    html = staff_admin.get("/admin/accounts/user/").content.decode()
    assert "7 March 2026, 16:38" in html  # as the site's pages write it
    User.objects.filter(pk=staff_with_mfa.pk).update(language="fr")  # the staff member's
    french = staff_admin.get("/admin/accounts/user/").content.decode()
    assert "7 mars 2026, 16:38" in french


def test_no_admin_display_method_writes_dates_by_hand():
    """Dates in the admin follow the language's formats (DATE_FORMAT, DATETIME_FORMAT)."""
    import ast

    root = Path(settings.BASE_DIR)
    found = []
    for path in root.glob("*/admin.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef):
                continue
            if not any("display" in ast.unparse(d) for d in node.decorator_list):
                continue
            for inner in ast.walk(node):
                by_hand = (
                    isinstance(inner, ast.Attribute) and inner.attr in {"strftime", "isoformat"}
                ) or (isinstance(inner, ast.FormattedValue) and inner.format_spec is not None)
                if by_hand:
                    found.append(f"{path.parent.name}/admin.py: {node.name}")
    assert found == []


def test_the_sidebar_starts_folded_so_lists_stay_tables(staff_admin):
    html = staff_admin.get("/admin/recruiters/delivery/").content.decode()
    assert "js/admin-sidebar.js" in html
    script = (Path(settings.BASE_DIR) / "static" / "js" / "admin-sidebar.js").read_text()
    assert '"django.admin.navSidebarIsOpen"' in script
