"""§7 Access: a copy of everything we hold about a person, and only about them."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import replace
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.storage import default_storage
from django.db.models import F
from django.utils import timezone

from jobletters import outbox
from jobletters.models import OutboxEntry
from privacy.models import ExportRequest
from privacy.registry import coverage
from privacy.registry.declarations import declaration_for, declarations
from privacy.rights.export import (
    BUILD_EXPORT,
    ExportIncomplete,
    ExportPlan,
    build_archive,
    next_export_at,
    plan_for,
    request_export,
    write_archive,
)
from privacy.tasks import apply_retention
from profiles.models import CV

from .builders import PDF, person_with_everything, words_of

pytestmark = pytest.mark.django_db


def _build(client) -> ExportRequest:
    response = client.post("/privacy/export/")
    assert response.status_code == 302
    outbox.run_due()
    return ExportRequest.objects.order_by("-pk").first()


def _archive(export: ExportRequest) -> zipfile.ZipFile:
    with default_storage.open(export.file.name, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def _reauthenticate(client, password) -> None:
    response = client.post("/accounts/reauthenticate/", {"password": password})
    assert response.status_code in (200, 302)


def test_s7_export_is_complete_valid_and_only_the_requesters(
    seeker, seeker_client, other_seeker, staff
):
    data = person_with_everything(seeker, staff=staff)
    theirs = person_with_everything(other_seeker, staff=staff)

    export = _build(seeker_client)

    assert export.state == "ready" and export.progress == 100
    archive = _archive(export)
    names = set(archive.namelist())
    assert {"README.txt", "manifest.json"} <= names
    documents = {}
    for name in names:
        if name.endswith(".json"):
            documents[name] = json.loads(archive.read(name))  # every JSON is valid
    manifest = documents.pop("manifest.json")
    assert manifest["format"] == "job-letters-export/1"
    listed = {f["path"] for f in manifest["files"]}
    assert listed == names - {"manifest.json", "README.txt"}

    readme = archive.read("README.txt").decode()
    empty = []
    for declaration in declarations():
        path = f"data/{declaration.slug}.json"
        if declaration.about is None and declaration.exporter is None:
            # Nothing in it can be about a seeker (the recruiter directory, staff records).
            assert path not in documents and path not in readme
            continue
        document = documents[path]
        assert path in readme
        assert document["policy_section"].startswith(f"§{declaration.section}")
        # Every declared field is in every record, or declared held with a reason.
        for record in document["records"]:
            assert declaration.export_keys() <= set(record), path
            assert not set(declaration.held) & (set(record) - declaration.export_keys()), path
        assert set(document["held_but_not_exported"]) == set(declaration.held)
        if not document["records"] and declaration.about is not None:
            empty.append(declaration.model._meta.label)
    # The person has data of every kind a seeker can have.
    assert empty == [], f"extend tests/privacy/builders.py for {empty}"
    # The explanations agree with what is there: held fields are not "everything", and
    # the copy we made of the CV is not a file they gave us.
    flat = " ".join(readme.split())
    assert "except the few fields each part names as held but not included" in flat
    assert "Your file, as uploaded: CVs" in flat
    assert "The checked copy recruiters receive: CVs" in flat

    # Their original files, byte for byte.
    cv = data["cv"]
    [cv_record] = documents["data/2-6-cvs.json"]["records"]
    assert archive.read(cv_record["file"]) == PDF
    assert cv_record["original_name"] == "My CV.pdf"

    # Nothing of the other person, nor staff contact details.
    blob = b"".join(archive.read(n) for n in names)
    for word in theirs["words"] + [staff.email]:
        assert word.encode() not in blob, word
    assert b"Rita Recruiter (Acme Agency)" in blob
    assert cv.pk  # (the CV row itself stays: exporting changes nothing)


def test_s7_the_manifest_checks_every_file_and_each_part_says_what_it_is(
    seeker, seeker_client, staff
):
    person_with_everything(seeker, staff=staff)

    archive = _archive(_build(seeker_client))

    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["language"] == "en" and manifest["site"] == settings.SITE_URL
    readme = archive.read("README.txt").decode()
    by_slug = {declaration.slug: declaration for declaration in declarations()}
    for entry in manifest["files"]:
        content = archive.read(entry["path"])
        assert entry["bytes"] == len(content), entry["path"]
        assert entry["sha256"] == hashlib.sha256(content).hexdigest(), entry["path"]
        assert "description" not in entry  # the README's words, not the programs'
        if entry["kind"] == "file":
            assert entry["path"].startswith("files/") and entry["records"] is None
            continue
        assert entry["kind"] == "data" and entry["path"].startswith("data/")
        document = json.loads(content)
        declaration = by_slug[entry["path"].removeprefix("data/").removesuffix(".json")]
        assert entry["records"] == len(document["records"])
        assert entry["category"] == document["category"] == declaration.label
        assert entry["policy_section"] == document["policy_section"]
        # What the part is, in the words of the registry.
        assert document["purpose"] == str(declaration.purpose)
        assert document["legal_basis"] == str(declaration.legal_basis.label)
        assert document["recipients"] == [str(r) for r in declaration.recipients]
        assert document["retention"] == str(declaration.retention.words())
        assert document["when_you_delete_your_account"] == str(declaration.erasure.label)
        assert set(document["fields"]) == declaration.export_keys() | set(declaration.file_fields)
        # The README names the part, says what it is and how many records it holds.
        part = readme.split(entry["path"] + "\n", 1)[1].split("\n\n", 1)[0]
        assert part.split("\n")[0].strip().startswith(declaration.label)
        assert f"Records: {len(document['records'])}" in part


def test_s7_a_member_of_staffs_copy_holds_what_they_did_not_whom_to(seeker, staff):
    person_with_everything(seeker, staff=staff)

    request_export(user=staff)
    outbox.run_due()

    archive = _archive(ExportRequest.objects.get(person=staff))
    documents = {
        name: json.loads(archive.read(name))
        for name in archive.namelist()
        if name.startswith("data/")
    }
    for declaration in declarations():
        path = f"data/{declaration.slug}.json"
        acted = any(a.rows_for(declaration.model, staff).exists() for a in declaration.acted)
        if declaration.about is None and declaration.exporter is None:
            # A part no row of which is about them: there only when they acted on it.
            assert (path in documents) == acted, path
        actions = documents.get(path, {}).get("your_actions_as_staff", [])
        assert bool(actions) == acted, path
        shapes = [set(a.fields) for a in declaration.acted if a.exporter is None]
        if len(shapes) == len(declaration.acted):  # what they did, in the declared fields
            assert all(set(record) in shapes for record in actions), path
    blob = b"".join(archive.read(name) for name in archive.namelist())
    for word in words_of(seeker):
        assert word.encode() not in blob, word


def test_s7_progress_counts_every_part_and_file_up_to_95(seeker, staff):
    person_with_everything(seeker, staff=staff)
    steps: list[tuple[int, str]] = []

    plan = plan_for(seeker, lambda percent, step: steps.append((percent, step)))
    size = write_archive(plan, name="exports/progress-test.zip")

    files = [f for f in plan.files if f.kind == "file"]
    assert len(files) == 2 and plan.total_steps == len(plan.declarations) + len(files)
    assert len(steps) == plan.total_steps
    percents = [percent for percent, _ in steps]
    assert percents == sorted(percents) and percents[-1] == 95 and percents[0] > 0
    assert {f"Copied {f.path}" for f in files} <= {step for _, step in steps}
    assert size == default_storage.size("exports/progress-test.zip")


def test_s7_one_copy_a_day_and_the_page_says_when(seeker, seeker_client):
    _build(seeker_client)
    page = seeker_client.get("/privacy/export/")
    assert b"You can ask for another copy from" in page.content
    response = seeker_client.post("/privacy/export/", follow=True)
    assert b"You can ask again from" in response.content
    assert ExportRequest.objects.count() == 1
    first = ExportRequest.objects.get()
    assert next_export_at(user=seeker) == first.requested_at + timedelta(hours=24)

    # A day later, another.
    ExportRequest.objects.update(requested_at=F("requested_at") - timedelta(hours=24, seconds=1))
    assert next_export_at(user=seeker) is None
    seeker_client.post("/privacy/export/")
    assert ExportRequest.objects.count() == 2


def test_s7_a_failed_copy_does_not_count_towards_the_limit(seeker):
    ExportRequest.objects.create(person=seeker, state="failed")
    assert next_export_at(user=seeker) is None


def test_s7_progress_is_shown_while_it_builds(seeker, seeker_client, other_seeker_client):
    request_export(user=seeker)  # not run yet
    export = ExportRequest.objects.get()
    page = seeker_client.get("/privacy/export/")
    assert b'data-status-url="/privacy/export/' in page.content
    assert b"export-progress.js" in page.content and b"<script>" not in page.content
    status = seeker_client.get(f"/privacy/export/{export.pk}/status/").json()
    assert status == {
        "state": "queued",
        "state_label": "Waiting to start",
        "progress": 0,
        "step": "",
        "done": False,
    }
    assert other_seeker_client.get(f"/privacy/export/{export.pk}/status/").status_code == 404


def test_s7_an_email_says_the_copy_is_ready(seeker, seeker_client):
    _build(seeker_client)
    outbox.run_due()
    [message] = [m for m in mail.outbox if "copy of your data is ready" in m.subject]
    assert message.to == [seeker.email]
    assert "/privacy/export/" in message.body


def test_s7_download_needs_the_owner_and_a_fresh_password(
    seeker, seeker_client, other_seeker_client, password, client
):
    export = _build(seeker_client)
    url = f"/privacy/export/{export.pk}/download/"

    assert client.get(url).status_code == 302  # signed out: to the login page
    assert other_seeker_client.get(url).status_code in (302, 404)
    first = seeker_client.get(url)
    assert first.status_code == 302 and "/reauthenticate/" in first["Location"]

    _reauthenticate(seeker_client, password)
    _reauthenticate(other_seeker_client, password)
    assert other_seeker_client.get(url).status_code == 404
    response = seeker_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    export.refresh_from_db()
    assert export.downloaded_at is not None
    # The first download is the one remembered.
    b"".join(seeker_client.get(url).streaming_content)
    assert ExportRequest.objects.get(pk=export.pk).downloaded_at == export.downloaded_at


def test_s7_a_copy_expires_after_seven_days_and_its_file_is_deleted(
    seeker, seeker_client, password
):
    export = _build(seeker_client)
    name = export.file.name
    assert export.expires_at - export.finished_at == timedelta(days=7)
    assert default_storage.exists(name)

    apply_retention(now=timezone.now() + timedelta(days=7, minutes=1))

    export.refresh_from_db()
    assert export.state == "expired" and not export.file
    assert not default_storage.exists(name)
    _reauthenticate(seeker_client, password)
    assert seeker_client.get(f"/privacy/export/{export.pk}/download/").status_code == 410


def test_s7_a_job_that_keeps_failing_is_marked_failed_never_preparing(
    seeker, seeker_client, monkeypatch
):
    from privacy.rights import export as export_module

    def broken(plan):
        raise OSError("disk full")
        yield b""  # pragma: no cover

    monkeypatch.setattr(export_module, "build_archive", broken)
    seeker_client.post("/privacy/export/")
    export = ExportRequest.objects.get()
    for _ in range(5):  # each try fails and is retried with backoff, then given up
        OutboxEntry.objects.filter(kind=BUILD_EXPORT, state="pending").update(due_at=timezone.now())
        outbox.run_due()
    export.refresh_from_db()
    assert export.state == "failed"
    assert "could not prepare your copy" in export.error
    page = seeker_client.get("/privacy/export/")
    assert b"could not prepare your copy" in page.content
    assert b"Prepare a copy of my data" in page.content  # a failed one does not count


def test_s7_an_incomplete_registry_fails_the_export(seeker, monkeypatch):
    monkeypatch.setattr(coverage, "export_gaps", lambda: ["profiles.CV: ['secret']"])
    request_export(user=seeker)
    outbox.run_due()
    export = ExportRequest.objects.get()
    assert export.state == "failed"
    assert OutboxEntry.objects.get(kind=BUILD_EXPORT).last_error.startswith(
        "GiveUp: Fields neither exported nor held"
    )
    assert ExportIncomplete


def test_s7_an_exporter_that_leaves_records_or_fields_out_fails_the_copy(seeker, staff):
    person_with_everything(seeker, staff=staff)
    cvs = declaration_for(CV)
    for exporter, words in [
        (lambda user: [{"kind": "pdf"}], "profiles.CV: exported without"),
        (lambda user: [], "profiles.CV: rows exist but none exported"),
    ]:
        plan = ExportPlan(user=seeker, declarations=[replace(cvs, exporter=exporter)])
        with pytest.raises(ExportIncomplete, match=words):
            b"".join(build_archive(plan))


def test_s7_a_dying_worker_gets_the_job_again(seeker):
    """A worker killed mid-build leaves the entry running; its lease expires and it runs again."""
    request_export(user=seeker)
    entry = OutboxEntry.objects.get(kind=BUILD_EXPORT)
    later = timezone.now() + timedelta(hours=2)
    OutboxEntry.objects.filter(pk=entry.pk).update(
        state="running", attempts=1, lease_until=timezone.now()
    )
    ExportRequest.objects.update(state="building", progress=40)
    outbox.run_due(now=later)
    assert ExportRequest.objects.get().state == "ready"
