"""Only the owner reaches a CV: everyone else gets a 404 (or the login page)."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from profiles.models import CV

from . import builders
from .helpers import upload


@pytest.fixture
def seekers_cv(seeker, seeker_client) -> CV:
    upload(seeker_client, "private.pdf", builders.pdf_bytes())
    return CV.objects.get(owner=seeker)


def _cv_urls(cv: CV) -> list[tuple[str, str]]:
    return [
        ("get", f"/profile/cv/{cv.pk}/download/"),
        ("get", f"/profile/cv/{cv.pk}/delete/"),
        ("post", f"/profile/cv/{cv.pk}/delete/"),
        ("post", f"/profile/cv/{cv.pk}/current/"),
    ]


def test_other_seeker_gets_404_for_every_cv_url(
    seekers_cv, other_seeker_client, django_capture_on_commit_callbacks
):
    upload(other_seeker_client, "mine.pdf", builders.pdf_bytes())
    for method, url in _cv_urls(seekers_cv):
        with django_capture_on_commit_callbacks(execute=True):
            response = getattr(other_seeker_client, method)(url)
        assert response.status_code == 404, (method, url)
    seekers_cv.refresh_from_db()
    assert seekers_cv.is_current
    assert default_storage.exists(seekers_cv.file.name)
    listing = other_seeker_client.get("/profile/cv/").content.decode()
    assert "private.pdf" not in listing and "mine.pdf" in listing
    status = other_seeker_client.get("/profile/cv/status/").content.decode()
    assert "private.pdf" not in status and "mine.pdf" in status


def test_anonymous_people_are_sent_to_log_in(seekers_cv, client):
    for method, url in [
        *_cv_urls(seekers_cv),
        ("get", "/profile/cv/"),
        ("get", "/profile/cv/status/"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith("/accounts/login/")
    assert CV.objects.filter(pk=seekers_cv.pk).exists()
    assert default_storage.exists(seekers_cv.file.name)


def test_unknown_cv_is_404(seeker_client, db):
    assert seeker_client.get("/profile/cv/999999/download/").status_code == 404


def test_wrong_methods_are_refused(seekers_cv, seeker_client):
    assert seeker_client.get(f"/profile/cv/{seekers_cv.pk}/current/").status_code == 405
    assert seeker_client.post(f"/profile/cv/{seekers_cv.pk}/download/").status_code == 405


def test_uploads_still_need_the_csrf_token(seeker):
    """The upload view installs its size limit before CSRF is checked, then checks it."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(seeker)
    pdf = SimpleUploadedFile("cv.pdf", builders.pdf_bytes())
    response = client.post("/profile/cv/", {"file": pdf})
    assert response.status_code == 403
    assert not CV.objects.exists()

    token = client.get("/profile/cv/").context["csrf_token"]
    pdf.seek(0)
    response = client.post("/profile/cv/", {"file": pdf, "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    assert CV.objects.filter(owner=seeker).count() == 1
