"""§3.2 Following the law: legal requests handled by staff, disclosures logged per person,
notice to the people concerned when (and only when) the law allows, and a public
transparency report in bands."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobletters import outbox
from jobletters.lib.emails import EMAIL_KIND
from jobletters.models import OutboxEntry
from privacy.accountability import legal
from privacy.models import Disclosure, ExportRequest, LegalRequest, LegalRequestSubject
from privacy.registry.declarations import declarations
from privacy.rights.erasure import erase_person
from privacy.rights.export import request_export
from privacy.tasks import legal_request_jobs

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN = "/admin/privacy/legalrequest/"
SCOPE = ["2-1-your-account", "2-1-email-addresses"]
DASH = "\u2013"  # the en dash of a band: 0-249


def _request(*people, status="under_review", prohibited_until=None, **kwargs) -> LegalRequest:
    request = LegalRequest.objects.create(
        agency=kwargs.pop("agency", "Metropolitan Police"),
        reference=kwargs.pop("reference", "CO/2026/44"),
        legal_basis="Production order, s.9 Police and Criminal Evidence Act 1984",
        received_on=kwargs.pop("received_on", timezone.localdate()),
        data_categories=kwargs.pop("data_categories", SCOPE),
        status=status,
        notice_prohibited_until=prohibited_until,
        **kwargs,
    )
    for person in people:
        LegalRequestSubject.objects.create(request=request, person=person)
    return request


def _legal_emails() -> list:
    return [m for m in mail.outbox if "asked us for information about you" in m.subject]


def _inline(prefix: str = "subjects") -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


# --- The staff workflow ----------------------------------------------------------------------


def test_s3_2_staff_record_a_request_with_its_scope(admin_client, staff_with_mfa, seeker):
    response = admin_client.post(
        f"{ADMIN}add/",
        {
            "agency": "Metropolitan Police",
            "reference": "CO/2026/44",
            "legal_basis": "Production order",
            "received_on": timezone.localdate().isoformat(),
            "data_categories": SCOPE,
            "status": "received",
            "notice_prohibited_until": "",
            "notes": "Served by post.",
            **_inline(),
            "subjects-0-person": str(seeker.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    request = LegalRequest.objects.get()
    assert request.status == "received" and request.created_by == staff_with_mfa
    assert request.data_categories == SCOPE
    assert list(request.subjects.values_list("person", flat=True)) == [seeker.pk]

    page = admin_client.get(f"{ADMIN}{request.pk}/change/").content.decode()
    # From "received" staff may only start the review or reject it.
    assert 'value="under_review"' in page and 'value="rejected"' in page
    assert 'value="disclosed"' not in page and 'value="challenged"' not in page
    assert "Not before review" in page


def test_s3_2_the_form_speaks_to_staff_and_finds_people_by_search(admin_client, seeker):
    page = admin_client.get(f"{ADMIN}add/").content.decode()
    # People in scope are found by name or email, never typed in as a number.
    assert 'class="admin-autocomplete' in page and 'name="subjects-0-person"' in page
    found = admin_client.get(
        "/admin/autocomplete/",
        {"term": "Seek", "app_label": "privacy", "model_name": "legalrequestsubject",
         "field_name": "person"},
    ).json()  # fmt: skip
    assert [row["text"] for row in found["results"]] == [str(seeker)]
    # A row not added yet has no time it was added.
    empty_row = page[page.index('id="subjects-0"') : page.index('id="subjects-empty"')]
    assert re.search(r'<td class="field-added">\s*<p>\s*</p>', empty_row)
    assert "add_id_subjects-0-person" not in page and "delete_id_subjects-0-person" not in page
    # The categories name the person in the third person, not as "you".
    labels = dict(legal.category_choices())
    assert labels["3-1-your-sends-to-recruiters"] == "§3.1 Their sends to recruiters"
    assert not [label for label in labels.values() if re.search(r"\byou(r)?\b", label, re.I)]
    assert legal.category_labels(["2-1-your-account"]) == ["Your account"]  # their own pages


def _staff_allowed(client, *codenames: str):
    """A member of staff with two-factor on and only these permissions on legal requests."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Permission

    member = UserFactory(email="support@example.com", is_staff=True)
    TOTP.activate(member, generate_totp_secret())
    member.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(member)
    return client


def _unmasked(response) -> str:
    """The page without its CSRF token (masked afresh on every page)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.mark.parametrize(
    ("codenames", "pages"),
    [
        ((), ["change/", "history/", "delete/", "disclose/", "package/1/"]),
        (("view_legalrequest",), ["disclose/"]),  # disclosing needs the change permission
    ],
)
def test_s3_2_staff_without_the_permission_cannot_tell_which_requests_exist(
    client, seeker, codenames, pages
):
    staff_client = _staff_allowed(client, *codenames)
    existing = _request(seeker)
    missing = existing.pk + 1000
    for page in pages:
        for method in (staff_client.get, staff_client.post):
            there = method(f"{ADMIN}{existing.pk}/{page}")
            not_there = method(f"{ADMIN}{missing}/{page}")
            assert there.status_code == not_there.status_code == 403, page
            # The same page, but for the address it was asked at (the language menu's).
            same = _unmasked(there).replace(f"{ADMIN}{existing.pk}/", f"{ADMIN}{missing}/")
            assert same == _unmasked(not_there), page
    existing.refresh_from_db()
    assert existing.status == "under_review" and existing.disclosed_at is None


def test_s3_2_a_request_cannot_arrive_in_the_future(admin_client):
    response = admin_client.post(
        f"{ADMIN}add/",
        {
            "agency": "Police",
            "legal_basis": "An order",
            "received_on": (timezone.localdate() + timedelta(days=2)).isoformat(),
            "status": "received",
            **_inline(),
        },
    )
    assert response.status_code == 200
    assert "cannot be received in the future" in response.content.decode()
    assert not LegalRequest.objects.exists()


def test_s3_2_statuses_follow_the_workflow(seeker):
    request = _request(seeker, status="received")
    with pytest.raises(legal.LegalRequestError):
        legal.set_status(request=request, status="challenged")
    legal.set_status(request=request, status="under_review")
    legal.set_status(request=request, status="challenged")
    legal.set_status(request=request, status="under_review")
    legal.set_status(request=request, status="rejected")
    request.refresh_from_db()
    assert request.status == "rejected"
    with pytest.raises(legal.LegalRequestError):  # final
        legal.set_status(request=request, status="under_review")
    with pytest.raises(legal.LegalRequestError):  # disclosing has its own step
        legal.disclose_request(request=request, staff=None, in_part=False)


def test_s3_2_disclosing_logs_each_person_and_gives_staff_only_the_scope(
    admin_client, staff_with_mfa, seeker, other_seeker
):
    from profiles.models import Profile

    Profile.objects.create(user=seeker, headline="Lawyer")  # outside the scope
    request = _request(seeker)

    confirm = admin_client.get(f"{ADMIN}{request.pk}/disclose/").content.decode()
    assert seeker.email in confirm and "Their account" in confirm
    response = admin_client.post(f"{ADMIN}{request.pk}/disclose/", {"extent": "part"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "disclosed_in_part" and request.disclosed_by == staff_with_mfa

    # Notice is allowed (reviewed, no prohibition), but the person is told first: the
    # disclosure shows in their log together with the notice.
    assert not Disclosure.objects.filter(person=seeker).exists()
    legal.send_due_notices()
    [disclosure] = Disclosure.objects.filter(person=seeker)
    assert disclosure.basis == "legal_obligation" and disclosure.recipient_kind == "authority"
    assert disclosure.recipient_name == "Metropolitan Police"
    assert disclosure.recipient_reference == "CO/2026/44"
    assert disclosure.legal_reference.startswith(f"Legal request #{request.pk}: Metropolitan")
    assert disclosure.data_categories == ["Your account", "Email addresses"]
    assert not Disclosure.objects.filter(person=other_seeker).exists()

    outbox.run_due()  # the worker builds the data handed over
    subject = LegalRequestSubject.objects.get(request=request)
    assert subject.package and subject.package_ready_at
    page = admin_client.get(f"{ADMIN}{request.pk}/change/").content.decode()
    download = f"{ADMIN}{request.pk}/package/{subject.pk}/"
    assert download in page
    response = admin_client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = {n for n in archive.namelist() if n.startswith("data/")}
    assert data == {"data/2-1-your-account.json", "data/2-1-email-addresses.json"}
    [account] = json.loads(archive.read("data/2-1-your-account.json"))["records"]
    assert account["email"] == seeker.email
    assert b"Lawyer" not in b"".join(archive.read(n) for n in archive.namelist())
    assert "Data disclosed for Legal request" in archive.read("README.txt").decode()
    # Another request's package is not reachable through this one.
    other = _request(other_seeker)
    assert admin_client.get(f"{ADMIN}{other.pk}/package/{subject.pk}/").status_code == 404


def test_s3_2_the_copy_handed_over_is_deleted_after_its_period(seeker, staff):
    request = _request(seeker)
    legal.disclose_request(request=request, staff=staff, in_part=False)
    outbox.run_due()
    subject = LegalRequestSubject.objects.get()
    name = subject.package.name
    assert default_storage.exists(name)
    assert legal.expire_packages(timezone.now() + timedelta(days=29)) == 0
    assert legal.expire_packages(timezone.now() + timedelta(days=30, minutes=1)) == 1
    subject.refresh_from_db()
    assert not subject.package and not default_storage.exists(name)


def test_s3_2_disclosing_needs_a_scope(seeker, staff):
    with pytest.raises(legal.LegalRequestError, match="kinds of data"):
        legal.disclose_request(
            request=_request(seeker, data_categories=[]), staff=staff, in_part=False
        )
    with pytest.raises(legal.LegalRequestError, match="people"):
        legal.disclose_request(request=_request(), staff=staff, in_part=False)


# --- Notice: once, when allowed, never while prohibited --------------------------------------


def test_s3_2_people_are_told_once_when_notice_is_allowed(seeker, other_seeker):
    _request(seeker, other_seeker)

    assert legal.send_due_notices() == 2
    assert legal.send_due_notices() == 0  # once
    outbox.run_due()
    emails = _legal_emails()
    assert sorted(m.to[0] for m in emails) == sorted([seeker.email, other_seeker.email])
    body = emails[0].body
    assert "Metropolitan Police" in body and "CO/2026/44" in body
    assert "Your account, Email addresses" in body and "/privacy/my-data/" in body
    [to_seeker] = [m for m in emails if m.to == [seeker.email]]
    assert other_seeker.email not in to_seeker.body  # nobody learns who else is in scope


def test_s3_2_nobody_is_told_before_staff_have_looked_at_the_request(seeker):
    _request(seeker, status="received")
    assert legal.send_due_notices() == 0
    assert not OutboxEntry.objects.filter(kind=EMAIL_KIND).exists()


def test_s3_2_never_while_notice_is_prohibited(seeker, seeker_client, staff):
    today = timezone.localdate()
    request = _request(seeker, prohibited_until=today + timedelta(days=10))
    legal.disclose_request(request=request, staff=staff, in_part=False)

    for days in (0, 5, 10):  # up to and including the last prohibited day
        assert legal.send_due_notices(now=timezone.now() + timedelta(days=days)) == 0
    assert _legal_emails() == [] and not OutboxEntry.objects.filter(key__startswith="legal-n")
    # Nothing about it anywhere the person looks.
    assert not Disclosure.objects.filter(person=seeker).exists()
    page = seeker_client.get("/privacy/my-data/").content.decode()
    assert "Metropolitan Police" not in page
    assert 'href="/privacy/my-data/3-2-legal-requests-about-you/"' not in page
    assert LegalRequestSubject.objects.visible_to(seeker).count() == 0
    exported = [d.export(seeker) for d in declarations()]
    assert "Metropolitan" not in json.dumps(exported, default=str)

    # The day after: told, once, and the disclosure appears.
    assert legal.send_due_notices(now=timezone.now() + timedelta(days=11)) == 1
    assert legal.send_due_notices(now=timezone.now() + timedelta(days=12)) == 0
    outbox.run_due()
    assert len(_legal_emails()) == 1
    assert Disclosure.objects.filter(person=seeker, basis="legal_obligation").count() == 1


def test_s3_2_the_periodic_job_sends_the_notices(seeker):
    assert settings.CELERY_BEAT_SCHEDULE["privacy-legal-notices"]["task"] == (
        "privacy.tasks.legal_request_jobs"
    )
    _request(seeker)
    assert legal_request_jobs() == {"notices": 1, "packages_expired": 0}
    assert legal_request_jobs()["notices"] == 0


def test_s3_2_a_person_added_later_is_told_too(seeker, other_seeker):
    request = _request(seeker)
    legal.send_due_notices()
    LegalRequestSubject.objects.create(request=request, person=other_seeker)
    assert legal.send_due_notices() == 1


# --- What the person sees: "my data" and their export -----------------------------------------


def test_s3_2_legal_disclosures_show_on_my_data_and_in_the_export(seeker, seeker_client, staff):
    request = _request(seeker)
    legal.disclose_request(request=request, staff=staff, in_part=False)
    legal.send_due_notices()

    page = seeker_client.get("/privacy/my-data/").content.decode()
    assert "Requests from authorities about you" in page
    assert "<strong>Metropolitan Police</strong> (their reference CO/2026/44)" in page
    assert "Public authority <strong>Metropolitan Police</strong> received" in page
    assert "a legal obligation" in page
    category = seeker_client.get("/privacy/my-data/3-2-legal-requests-about-you/")
    assert category.status_code == 200 and b"Metropolitan Police" in category.content

    request_export(user=seeker)
    outbox.run_due()
    export = ExportRequest.objects.get()
    assert export.state == "ready"
    with default_storage.open(export.file.name, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    [row] = json.loads(archive.read("data/3-2-legal-requests-about-you.json"))["records"]
    assert row["agency"] == "Metropolitan Police" and row["status"] == "Disclosed"
    assert row["data_categories"] == ["Your account", "Email addresses"]
    assert row["disclosed_at"] and row["notified_at"]
    log = json.loads(archive.read("data/3-1-who-received-your-information.json"))["records"]
    assert [r["recipient_name"] for r in log if r["basis"] == "legal_obligation"] == [
        "Metropolitan Police"
    ]
    assert staff.email.encode() not in b"".join(archive.read(n) for n in archive.namelist())


def test_s3_2_erasure_keeps_the_request_without_the_person(seeker, staff, stripe_double):
    request = _request(seeker)
    legal.send_due_notices()
    erase_person(seeker.pk)
    subject = LegalRequestSubject.objects.get()
    assert subject.request == request and subject.person is None
    assert LegalRequest.objects.filter(pk=request.pk).exists()


def test_s3_2_erasing_a_member_of_staff_keeps_their_requests(seeker, stripe_double):
    officer = UserFactory(email="officer@example.com", is_staff=True)
    request = _request(seeker, created_by=officer, disclosed_by=officer)
    erase_person(officer.pk)
    request.refresh_from_db()
    assert request.created_by is None and request.disclosed_by is None


# --- The transparency report -------------------------------------------------------------------


def _many(n: int, status: str, received_on: date) -> None:
    LegalRequest.objects.bulk_create(
        LegalRequest(agency="Agency", legal_basis="Law", received_on=received_on, status=status)
        for _ in range(n)
    )


def test_s3_2_counts_per_half_year_and_outcome_in_bands(settings, client):
    settings.PRIVACY_TRANSPARENCY_BAND = 5
    settings.PRIVACY_TRANSPARENCY_SINCE = date(2026, 1, 1)
    # January to June 2026: every outcome at least 5 → exact.
    for status in ("disclosed", "disclosed_in_part", "rejected", "challenged", "under_review"):
        _many(5, status, date(2026, 3, 1))
    _many(2, "received", date(2026, 6, 30))
    # July to December 2026: small counts → every number a band, the total too.
    _many(7, "disclosed", date(2026, 7, 1))
    _many(1, "rejected", date(2026, 9, 1))

    report = {p.anchor: p for p in legal.transparency_report(today=date(2026, 11, 29))}
    first, second = report["h2026-1"], report["h2026-2"]
    assert not first.banded
    assert first.values == ["5", "5", "5", "5", "7"] and first.total == "27"
    assert second.banded
    assert second.values == [f"5{DASH}9", *[f"0{DASH}4"] * 4] and second.total == f"5{DASH}9"

    page = client.get("/privacy/transparency/").content.decode()
    row = page.split('id="h2026-2"')[1].split("</tr>")[0]
    assert f"5{DASH}9" in row and f"0{DASH}4" in row
    # Neither the exact 7, 1 nor 8 of that half-year appears.
    for exact in ("<td>7</td>", "<td>1</td>", "<strong>8</strong>"):
        assert exact not in row
    assert "January to June 2026" in page and "ranges of 5" in page


def test_s3_2_the_default_band_is_0_to_249(client):
    _many(3, "disclosed", timezone.localdate())
    page = client.get("/privacy/transparency/").content.decode()
    assert f"0{DASH}249" in page and "<td>3</td>" not in page


def test_s3_2_the_report_is_fast_and_cacheable_for_visitors(client, seeker_client):
    _many(3, "disclosed", date(2026, 2, 1))
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/privacy/transparency/")
    assert len(queries) == 1
    assert "public" in first["Cache-Control"] and not first.cookies
    _many(300, "rejected", date(2026, 3, 1))  # more data: still one query
    with CaptureQueriesContext(connection) as queries:
        assert seeker_client.get("/privacy/transparency/").status_code == 200
    assert len([q for q in queries.captured_queries if "legalrequest" in q["sql"]]) == 1
    assert seeker_client.get("/privacy/transparency/")["Cache-Control"] == "private, no-store"
    again = client.get("/privacy/transparency/")
    assert (
        client.get("/privacy/transparency/", headers={"if-none-match": again["ETag"]}).status_code
        == 304
    )
