"""CV checking is bounded: bombs are refused within the limits, the request never parses,
a check that dies is retried and then refused (never "checking" forever), uploads are
rate-limited per person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from jobletters import outbox
from jobletters.lib import sandbox
from jobletters.models import OutboxEntry
from profiles import cvs
from profiles.cv_checks import runner
from profiles.models import CV

from . import builders
from .helpers import URL, stored_files, upload

MB = 1024 * 1024


@pytest.fixture
def small_caps(settings):
    """Caps small enough that the bombs below stay quick to build."""
    settings.CV_CHECK_MAX_DECOMPRESSED_BYTES = 16 * MB
    settings.CV_CHECK_MEMORY_BYTES = 512 * MB
    return settings


BOMBS = [
    pytest.param(lambda: builders.bomb_in_object_streams(24 * MB, count=3), id="object-streams"),
    pytest.param(lambda: builders.bomb_in_page_contents(64 * MB), id="page-content-stream"),
    pytest.param(lambda: builders.bomb_in_image(64 * MB), id="image-stream"),
    pytest.param(builders.bomb_in_jpeg_dimensions, id="image-declared-size"),
    pytest.param(lambda: builders.bomb_nested_filters(256 * MB), id="flate-twice"),
    pytest.param(builders.bomb_inline_image, id="inline-image-declared-size"),
]


@pytest.mark.parametrize("build", BOMBS)
def test_decompression_bombs_are_refused_within_the_limits(
    small_caps, seeker, seeker_client, build, monkeypatch
):
    seen: list[sandbox.Result | sandbox.SandboxError] = []
    real_run = sandbox.run

    def measured(*args, **kwargs):
        try:
            result = real_run(*args, **kwargs)
        except sandbox.SandboxError as exc:
            seen.append(exc)
            raise
        seen.append(result)
        return result

    monkeypatch.setattr(sandbox, "run", measured)
    data = build()
    assert len(data) < 2 * MB  # small files that would unpack to much more
    assert upload(seeker_client, "cv.pdf", data).status_code == 302
    cv = CV.objects.get(owner=seeker)
    assert cv.state == "refused"
    assert "unpacks to far more data than a CV needs" in cv.refusal
    assert stored_files() == []
    [run] = seen
    assert isinstance(run, sandbox.Result)  # refused by the cap, not killed by a limit
    assert run.peak_memory_bytes < small_caps.CV_CHECK_MEMORY_BYTES


def test_a_docx_whose_parts_unpack_past_their_declared_sizes_is_refused(small_caps, seeker):
    report = runner.run_deep_check(data=builders.docx_zip_bomb(), kind="docx")
    assert report.verdict == "refused" and report.code == "zip_bomb"


def test_the_upload_request_never_parses_or_unpacks(seeker, seeker_client, monkeypatch):
    """Only the quick checks run in the request: the deep check waits for a worker."""
    import zipfile

    import pikepdf
    import pypdf

    files = [
        ("bomb.pdf", builders.bomb_nested_filters(64 * MB)),
        ("cv.docx", builders.docx_bytes()),
    ]

    def forbidden(*args, **kwargs):
        raise AssertionError("deep work inside the upload request")

    monkeypatch.setattr(sandbox, "run", forbidden)
    monkeypatch.setattr(pikepdf, "open", forbidden)
    monkeypatch.setattr(pypdf, "PdfReader", forbidden)
    monkeypatch.setattr(zipfile.ZipFile, "open", forbidden)  # reading a member unpacks it
    for name, data in files:
        response = upload(seeker_client, name, data, check=False)
        assert response.status_code == 302
    assert set(CV.objects.values_list("state", flat=True)) == {"checking"}
    entries = OutboxEntry.objects.filter(kind=cvs.CHECK_CV, person=seeker)
    assert entries.count() == 2  # deferred in the same transaction as the rows
    assert {e.payload["cv_id"] for e in entries} == set(CV.objects.values_list("pk", flat=True))


def test_a_check_killed_at_the_wall_clock_limit_refuses_the_file(seeker, seeker_client, settings):
    settings.CV_CHECK_WALL_SECONDS = 1
    # The child spends its time elsewhere (as a parser stuck in a loop would).
    runner_target = runner.DEEP_CHECK
    runner.DEEP_CHECK = "tests.core.sandbox_targets:sleep"
    try:
        upload(seeker_client, "cv.pdf", builders.pdf_bytes())
    finally:
        runner.DEEP_CHECK = runner_target
    cv = CV.objects.get(owner=seeker)
    assert cv.state == "refused"
    assert "far more memory or time to open than a CV should" in cv.refusal
    assert stored_files() == []


def test_a_check_whose_worker_died_is_run_again_when_its_lease_expires(seeker, seeker_client):
    upload(seeker_client, "cv.pdf", builders.pdf_bytes(), check=False)
    entry = OutboxEntry.objects.get(kind=cvs.CHECK_CV)
    # A worker claimed it and died mid-check: running, with a lease nobody renews.
    OutboxEntry.objects.filter(pk=entry.pk).update(
        state="running", attempts=1, lease_until=timezone.now() + timedelta(minutes=5)
    )
    assert outbox.run_due() == 0  # the lease still holds
    assert CV.objects.get().state == "checking"
    later = timezone.now() + timedelta(minutes=10)
    assert outbox.run_due(now=later) == 1
    cv = CV.objects.get()
    assert cv.state == "ready" and cv.is_current
    entry.refresh_from_db()
    assert entry.state == "done" and entry.attempts == 2


def test_a_check_that_never_finishes_is_refused_after_its_attempts(seeker, seeker_client):
    upload(seeker_client, "cv.pdf", builders.pdf_bytes(), check=False)
    entry = OutboxEntry.objects.get(kind=cvs.CHECK_CV)
    # Every attempt so far died with its worker.
    OutboxEntry.objects.filter(pk=entry.pk).update(
        state="running",
        attempts=entry.max_attempts,
        lease_until=timezone.now() - timedelta(seconds=1),
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        outbox.run_due()
    cv = CV.objects.get()
    assert cv.state == "refused"
    assert cv.refusal == cvs.COULD_NOT_CHECK
    assert stored_files() == [] and stored_files("cv-copies") == []
    entry.refresh_from_db()
    assert entry.state == "failed"
    page = seeker_client.get(URL).content.decode()
    assert "We could not check this file. Please upload it again" in page


def test_a_copy_stored_by_a_run_that_died_is_not_left_behind(seeker, seeker_client):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    upload(seeker_client, "cv.pdf", builders.pdf_bytes(), check=False)
    entry = OutboxEntry.objects.get(kind=cvs.CHECK_CV)
    # The dead run had stored the copy but not yet recorded it.
    default_storage.save(entry.payload["copy_key"], ContentFile(b"half-written"))
    outbox.run_due()
    cv = CV.objects.get()
    assert cv.state == "ready"
    assert stored_files("cv-copies") == [cv.normalised_file.name]
    assert default_storage.open(cv.normalised_file.name).read().startswith(b"%PDF-")


def test_uploads_are_rate_limited_per_person(seeker, seeker_client, other_seeker_client, settings):
    settings.CV_UPLOADS_PER_HOUR = 2
    for name in ("a.pdf", "b.pdf"):
        assert upload(seeker_client, name, builders.pdf_bytes(name), check=False).status_code == 302
    response = upload(seeker_client, "c.pdf", builders.pdf_bytes("c"), check=False)
    assert response.status_code == 429
    content = response.content.decode()
    assert "You have uploaded many files in the last hour" in content
    assert 'class="field-error"' in content
    assert CV.objects.filter(owner=seeker).count() == 2
    # Someone else is not affected.
    assert (
        upload(other_seeker_client, "d.pdf", builders.pdf_bytes(), check=False).status_code == 302
    )
    # The next hour's window starts afresh.
    from django.core.cache import cache

    cache.clear()
    assert upload(seeker_client, "e.pdf", builders.pdf_bytes(), check=False).status_code == 302
