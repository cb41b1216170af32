"""CVs through the pages a seeker uses: upload, list, current, download, delete."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from profiles.models import CV

from . import builders

URL = "/profile/cv/"


def upload(client, name: str, data: bytes, content_type: str = "application/octet-stream"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type=content_type)})


def stored_files() -> list[str]:
    """Everything under cvs/ in the private storage (walks the year/month folders)."""
    found = []

    def walk(path: str) -> None:
        if not default_storage.exists(path):
            return
        dirs, files = default_storage.listdir(path)
        found.extend(f"{path}/{f}" for f in files)
        for d in dirs:
            walk(f"{path}/{d}")

    walk("cvs")
    return found


def test_seeker_uploads_pdf_and_docx_sets_current_downloads_and_deletes(
    seeker, seeker_client, django_capture_on_commit_callbacks
):
    pdf = builders.pdf_bytes("Sam Seeker - Commercial lawyer")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(seeker_client, "Sam CV.pdf", pdf, "text/html")
    assert response.status_code == 302
    first = CV.objects.get(owner=seeker)
    assert first.original_name == "Sam CV.pdf"
    assert first.kind == "pdf"
    assert first.content_type == "application/pdf"  # from the content, not the browser
    assert first.size == len(pdf)
    assert first.sha256 == hashlib.sha256(pdf).hexdigest()
    assert first.is_current
    assert first.file.name.startswith("cvs/") and first.file.name.endswith(".pdf")
    assert "Sam" not in first.file.name
    assert default_storage.open(first.file.name).read() == pdf
    assert first.text_state == "done"
    assert "Commercial lawyer" in first.text

    docx = builders.docx_bytes("Worked at Dewey & Partners")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(seeker_client, "cv.docx", docx)
    assert response.status_code == 302
    second = CV.objects.get(owner=seeker, kind="docx")
    assert not second.is_current
    assert second.text_state == "done"
    assert "Dewey & Partners" in second.text and "Contract law" in second.text

    page = seeker_client.get(URL)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Sam CV.pdf" in content and "cv.docx" in content
    assert "Text read" in content

    response = seeker_client.post(f"/profile/cv/{second.pk}/current/")
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_current and not first.is_current

    download = seeker_client.get(f"/profile/cv/{first.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="Sam CV.pdf"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == pdf

    stored_name = first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = seeker_client.post(f"/profile/cv/{first.pk}/delete/")
    assert response.status_code == 302
    assert not CV.objects.filter(pk=first.pk).exists()
    assert not default_storage.exists(stored_name)
    assert stored_files() == [second.file.name]


def test_delete_asks_for_confirmation_first(seeker_client, seeker):
    upload(seeker_client, "cv.pdf", builders.pdf_bytes())
    cv = CV.objects.get(owner=seeker)
    page = seeker_client.get(f"/profile/cv/{cv.pk}/delete/")
    assert page.status_code == 200
    assert "Delete “cv.pdf”?" in page.content.decode()
    assert CV.objects.filter(pk=cv.pk).exists()


def test_deleting_the_current_cv_makes_the_newest_current(seeker_client, seeker):
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        assert upload(seeker_client, name, builders.pdf_bytes(name)).status_code == 302
    current = CV.objects.get(owner=seeker, is_current=True)
    assert current.original_name == "a.pdf"
    seeker_client.post(f"/profile/cv/{current.pk}/delete/")
    assert CV.objects.get(owner=seeker, is_current=True).original_name == "c.pdf"


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


def test_a_cv_whose_text_cannot_be_read_is_still_usable(
    seeker, seeker_client, django_capture_on_commit_callbacks, monkeypatch
):
    from profiles import services

    def broken(kind, data):
        raise ValueError("unreadable text layer")

    monkeypatch.setattr(services, "_extract_text", broken)
    with django_capture_on_commit_callbacks(execute=True):
        upload(seeker_client, "scan.pdf", builders.pdf_bytes())
    cv = CV.objects.get(owner=seeker)
    assert cv.text_state == "failed" and cv.text == ""
    assert cv.is_current
    page = seeker_client.get(URL).content.decode()
    assert "Text could not be read (the CV can still be sent)" in page
    assert seeker_client.get(f"/profile/cv/{cv.pk}/download/").status_code == 200


def test_extraction_shows_pending_until_the_task_runs(seeker, seeker_client):
    # Without running on-commit callbacks the task has not run yet.
    upload(seeker_client, "cv.pdf", builders.pdf_bytes())
    assert CV.objects.get(owner=seeker).text_state == "pending"
    assert "Reading the text…" in seeker_client.get(URL).content.decode()


def test_extraction_of_a_deleted_cv_does_nothing(seeker, seeker_client):
    from profiles.services import extract_cv_text

    upload(seeker_client, "cv.pdf", builders.pdf_bytes())
    cv = CV.objects.get(owner=seeker)
    cv.delete()
    assert extract_cv_text(cv_id=cv.pk) is None


def test_cv_list_uses_a_fixed_number_of_queries(
    seeker, seeker_client, django_assert_max_num_queries
):
    upload(seeker_client, "one.pdf", builders.pdf_bytes())
    with django_assert_max_num_queries(8) as few:
        seeker_client.get(URL)
    with_one = len(few)
    for i in range(4):
        upload(seeker_client, f"{i}.docx", builders.docx_bytes())
    with django_assert_max_num_queries(with_one):
        response = seeker_client.get(URL)
    assert response.content.decode().count("/download/") == 5


@pytest.mark.django_db
def test_upload_refuses_anonymous_people(client):
    response = upload(client, "cv.pdf", builders.pdf_bytes())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not CV.objects.exists()
    assert stored_files() == []
