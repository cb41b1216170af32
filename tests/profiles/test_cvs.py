"""CVs through the pages a seeker uses: upload, checking, list, current, download, delete."""

from __future__ import annotations

import hashlib
import io
import json
import re

import pytest
from django.core.files.storage import default_storage

from profiles import cvs
from profiles.models import CV

from . import builders
from .helpers import URL, stored_files, upload

__all__ = ["URL", "stored_files", "upload"]


def test_seeker_uploads_pdf_and_docx_sets_current_downloads_and_deletes(seeker, seeker_client):
    pdf = builders.pdf_bytes("Sam Seeker - Commercial lawyer")
    response = upload(seeker_client, "Sam CV.pdf", pdf, "text/html")
    assert response.status_code == 302
    first = CV.objects.get(owner=seeker)
    assert first.original_name == "Sam CV.pdf"
    assert first.kind == "pdf"
    assert first.content_type == "application/pdf"  # from the content, not the browser
    assert first.size == len(pdf)
    assert first.sha256 == hashlib.sha256(pdf).hexdigest()
    assert first.state == "ready" and first.refusal == ""
    assert first.is_current  # the first ready CV becomes current
    # A key of our own (a random token), nothing of the name the file came with.
    assert re.fullmatch(r"cvs/\d{4}/\d{2}/[A-Za-z0-9_-]{32}\.pdf", first.file.name)
    assert default_storage.open(first.file.name).read() == pdf  # the person's own file
    assert first.normalised_file.name.startswith("cv-copies/")
    assert default_storage.open(first.normalised_file.name).read().startswith(b"%PDF-")
    assert first.text_state == "done"
    assert "Commercial lawyer" in first.text

    docx = builders.docx_bytes("Worked at Dewey & Partners")
    assert upload(seeker_client, "cv.docx", docx).status_code == 302
    second = CV.objects.get(owner=seeker, kind="docx")
    assert second.state == "ready" and second.is_current  # the newest upload
    assert second.text_state == "done"
    assert "Dewey & Partners" in second.text and "Contract law" in second.text

    page = seeker_client.get(URL)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Sam CV.pdf" in content and "cv.docx" in content
    assert "Ready to send." in content and "Text read" not in content

    response = seeker_client.post(f"/profile/cv/{first.pk}/current/")
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_current and not second.is_current

    download = seeker_client.get(f"/profile/cv/{first.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="Sam CV.pdf"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == pdf

    stored_name, copy_name = first.file.name, first.normalised_file.name
    with TestCaptureOnCommit():
        response = seeker_client.post(f"/profile/cv/{first.pk}/delete/")
    assert response.status_code == 302
    assert not CV.objects.filter(pk=first.pk).exists()
    assert not default_storage.exists(stored_name)
    assert not default_storage.exists(copy_name)
    assert stored_files() == [second.file.name]
    assert stored_files("cv-copies") == [second.normalised_file.name]


class TestCaptureOnCommit:
    """Run on-commit work (file deletions) at the end of the block."""

    def __enter__(self):
        from django.test import TestCase

        self._context = TestCase.captureOnCommitCallbacks(execute=True)
        return self._context.__enter__()

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)


def test_until_checked_a_cv_is_listed_as_checking_and_cannot_be_used(seeker, seeker_client):
    response = upload(seeker_client, "cv.pdf", builders.pdf_bytes(), check=False)
    assert response.status_code == 302
    cv = CV.objects.get(owner=seeker)
    assert cv.state == "checking" and not cv.is_current
    assert cv.normalised_file.name == ""
    page = seeker_client.get(URL).content.decode()
    assert "Checking the file…" in page
    assert "Reload this page to see the result." in page  # without JavaScript
    assert 'src="/static/js/cv-status.js"' in page
    assert f'href="/profile/cv/{cv.pk}/download/"' not in page
    assert seeker_client.get(f"/profile/cv/{cv.pk}/download/").status_code == 404
    assert seeker_client.post(f"/profile/cv/{cv.pk}/current/").status_code == 404
    assert not CV.objects.ready().exists()
    with pytest.raises(cvs.CVNotReady):
        cvs.copy_for_recruiters(cv=cv)
    letter = seeker_client.get("/profile/letter/preview/").content.decode()
    assert "You have no CV yet" in letter


def test_status_endpoint_gives_each_cvs_state_and_row(seeker, seeker_client, other_seeker):
    upload(seeker_client, "ready.pdf", builders.pdf_bytes())
    upload(seeker_client, "waiting.pdf", builders.pdf_bytes("waiting"), check=False)
    response = seeker_client.get("/profile/cv/status/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["checking"] is True
    states = {row["state"] for row in data["cvs"]}
    assert states == {"ready", "checking"}
    ready = next(row for row in data["cvs"] if row["state"] == "ready")
    assert ready["key"] == "ready:1"
    assert "ready.pdf" in ready["html"] and "/download/" in ready["html"]
    assert ready["html"].lstrip().startswith(f'<tr id="cv-{ready["id"]}"')


def test_the_status_script_is_a_static_file_that_polls_the_endpoint():
    from pathlib import Path

    from django.conf import settings

    script = (Path(settings.BASE_DIR) / "static/js/cv-status.js").read_text()
    assert "data-cv-status-url" in script and "fetch(" in script


def test_copy_for_recruiters_is_the_normalised_file(seeker, seeker_client):
    upload(seeker_client, "Sam CV.pdf", builders.pdf_with_links())
    cv = CV.objects.get(owner=seeker)
    copy = cvs.copy_for_recruiters(cv=cv)
    assert copy.download_name == "Sam CV.pdf" and copy.content_type == "application/pdf"
    assert copy.file.name == cv.normalised_file.name != cv.file.name
    with copy.file.open("rb") as stored:
        data = stored.read()
    assert data != default_storage.open(cv.file.name).read()
    assert b"Sam Seeker" not in data.replace(b"Sam Seeker CV", b"")  # no author metadata


def test_delete_asks_for_confirmation_first(seeker_client, seeker):
    upload(seeker_client, "cv.pdf", builders.pdf_bytes())
    cv = CV.objects.get(owner=seeker)
    page = seeker_client.get(f"/profile/cv/{cv.pk}/delete/")
    assert page.status_code == 200
    assert "Delete “cv.pdf”?" in page.content.decode()
    assert CV.objects.filter(pk=cv.pk).exists()


def test_deleting_the_current_cv_makes_the_newest_ready_one_current(seeker_client, seeker):
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        assert upload(seeker_client, name, builders.pdf_bytes(name)).status_code == 302
    upload(seeker_client, "d.pdf", builders.pdf_bytes("d"), check=False)  # still checking
    chosen = CV.objects.get(owner=seeker, original_name="a.pdf")
    seeker_client.post(f"/profile/cv/{chosen.pk}/current/")
    seeker_client.post(f"/profile/cv/{chosen.pk}/delete/")
    assert CV.objects.get(owner=seeker, is_current=True).original_name == "c.pdf"


def _check(cv: CV) -> None:
    cvs.check_cv(cv_id=cv.pk, copy_key=f"cv-copies/test-{cv.pk}.pdf")


def _current(seeker) -> str:
    return CV.objects.get(owner=seeker, is_current=True).original_name


def test_the_current_cv_is_the_newest_upload_whichever_check_finishes_first(seeker_client, seeker):
    for name in ("older.pdf", "newer.pdf"):
        upload(seeker_client, name, builders.pdf_bytes(name), check=False)
    older, newer = (
        CV.objects.get(owner=seeker, original_name=n) for n in ("older.pdf", "newer.pdf")
    )
    _check(newer)
    _check(older)  # finishes last, yet the newer upload stays current
    assert _current(seeker) == "newer.pdf"


def test_the_cv_the_seeker_chose_stays_current_until_they_upload_another(seeker_client, seeker):
    upload(seeker_client, "first.pdf", builders.pdf_bytes("first"))
    upload(seeker_client, "second.pdf", builders.pdf_bytes("second"))
    upload(seeker_client, "checking.pdf", builders.pdf_bytes("checking"), check=False)
    first = CV.objects.get(owner=seeker, original_name="first.pdf")
    assert _current(seeker) == "second.pdf"
    seeker_client.post(f"/profile/cv/{first.pk}/current/")
    # A check that ends after the choice does not undo it (that file came before it)...
    _check(CV.objects.get(owner=seeker, original_name="checking.pdf"))
    assert _current(seeker) == "first.pdf"
    # ...but a CV uploaded after the choice is the seeker's newest wish.
    upload(seeker_client, "latest.pdf", builders.pdf_bytes("latest"))
    assert _current(seeker) == "latest.pdf"


def test_at_most_five_cvs(seeker_client, seeker, settings):
    for i in range(settings.CV_MAX_PER_PERSON):
        assert upload(seeker_client, f"{i}.pdf", builders.pdf_bytes(str(i))).status_code == 302
    response = upload(seeker_client, "six.pdf", builders.pdf_bytes("six"))
    assert response.status_code == 200
    assert "You already have 5 CVs. Delete one before uploading another." in (
        response.content.decode()
    )
    assert CV.objects.filter(owner=seeker).count() == 5
    assert len(stored_files()) == 5


def test_a_refused_file_does_not_count_towards_the_limit(seeker_client, seeker, settings):
    settings.CV_MAX_PER_PERSON = 1
    upload(seeker_client, "bad.pdf", builders.pdf_with_javascript())
    assert CV.objects.get(owner=seeker).state == "refused"
    assert upload(seeker_client, "good.pdf", builders.pdf_bytes()).status_code == 302
    assert CV.objects.filter(owner=seeker, state="ready").count() == 1


def test_a_cv_whose_text_cannot_be_read_is_still_usable(seeker, seeker_client, settings):
    # A PDF whose only page draws nothing: safe, but without text to read.
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    scan = io.BytesIO()
    pdf.save(scan)
    upload(seeker_client, "scan.pdf", scan.getvalue())
    cv = CV.objects.get(owner=seeker)
    assert cv.state == "ready" and cv.text == ""
    assert cv.is_current
    assert seeker_client.get(f"/profile/cv/{cv.pk}/download/").status_code == 200


def test_checking_a_deleted_cv_does_nothing_and_leaves_no_copy(seeker, seeker_client):
    from jobletters import outbox

    upload(seeker_client, "cv.pdf", builders.pdf_bytes(), check=False)
    cv = CV.objects.get(owner=seeker)
    cv.delete()
    outbox.run_due()
    assert stored_files("cv-copies") == []
    assert not CV.objects.exists()


def test_cv_list_uses_a_fixed_number_of_queries(
    seeker, seeker_client, django_assert_max_num_queries
):
    upload(seeker_client, "one.pdf", builders.pdf_bytes())
    with django_assert_max_num_queries(8) as few:
        seeker_client.get(URL)
    with_one = len(few)
    for i in range(3):
        upload(seeker_client, f"{i}.docx", builders.docx_bytes(f"CV number {i}"))
    upload(seeker_client, "bad.pdf", builders.pdf_with_javascript())
    with django_assert_max_num_queries(with_one):
        response = seeker_client.get(URL)
    assert response.content.decode().count("/download/") == 4
    with django_assert_max_num_queries(with_one):
        seeker_client.get("/profile/cv/status/")


@pytest.mark.django_db
def test_upload_refuses_anonymous_people(client):
    response = upload(client, "cv.pdf", builders.pdf_bytes())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not CV.objects.exists()
    assert stored_files() == []
    assert client.get("/profile/cv/status/").status_code == 302


def _download_of_a_lost_file(client, cv) -> None:
    """The CV's row is there, its stored file is not: the list says so, no error page."""
    response = client.get(f"/profile/cv/{cv.pk}/download/")
    assert response.status_code == 302 and response["Location"] == URL
    page = client.get(URL).content.decode()
    assert "We cannot find the file of “Sam CV.pdf” any more" in page


def test_downloading_a_cv_whose_file_is_missing_says_so(seeker, seeker_client):
    assert upload(seeker_client, "Sam CV.pdf", builders.pdf_bytes("Sam")).status_code == 302
    cv = CV.objects.get(owner=seeker)
    default_storage.delete(cv.file.name)
    _download_of_a_lost_file(seeker_client, cv)


def test_downloading_a_cv_whose_object_is_missing_on_s3_says_so(moto_s3, seeker, seeker_client):
    assert upload(seeker_client, "Sam CV.pdf", builders.pdf_bytes("Sam")).status_code == 302
    cv = CV.objects.get(owner=seeker)
    moto_s3.client.delete_object(Bucket=moto_s3.name, Key=cv.file.name)
    _download_of_a_lost_file(seeker_client, cv)
