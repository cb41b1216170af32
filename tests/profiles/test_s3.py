"""CVs on S3 (moto's server on 127.0.0.1): private objects, short presigned downloads."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import requests

from profiles import cvs
from profiles.models import CV

from . import builders
from .helpers import upload


def test_cv_on_s3_is_private_downloads_by_presigned_url_and_is_deleted(
    moto_s3, seeker, seeker_client, other_seeker_client, django_capture_on_commit_callbacks
):
    pdf = builders.pdf_bytes("Sam Seeker on S3")
    assert upload(seeker_client, "s3 cv.pdf", pdf).status_code == 302
    cv = CV.objects.get(owner=seeker)
    assert cv.state == "ready"  # checked from the bytes read back from S3
    assert cv.text_state == "done" and "Sam Seeker on S3" in cv.text

    stored = moto_s3.client.get_object(Bucket=moto_s3.name, Key=cv.file.name)
    assert stored["Body"].read() == pdf
    copy = moto_s3.client.get_object(Bucket=moto_s3.name, Key=cv.normalised_file.name)
    assert copy["Body"].read().startswith(b"%PDF-")
    with cvs.copy_for_recruiters(cv=cv).file.open("rb") as sent:
        assert sent.read().startswith(b"%PDF-")
    for key in (cv.file.name, cv.normalised_file.name):
        acl = moto_s3.client.get_object_acl(Bucket=moto_s3.name, Key=key)
        assert all("AllUsers" not in str(g["Grantee"]) for g in acl["Grants"])
        assert all("AuthenticatedUsers" not in str(g["Grantee"]) for g in acl["Grants"])
        unsigned = f"{moto_s3.endpoint_url}/{moto_s3.name}/{key}"
        assert requests.get(unsigned, timeout=5).status_code == 403

    assert other_seeker_client.get(f"/profile/cv/{cv.pk}/download/").status_code == 404

    response = seeker_client.get(f"/profile/cv/{cv.pk}/download/")
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    url = response["Location"]
    query = parse_qs(urlparse(url).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert query["response-content-disposition"][0].startswith("attachment;")
    assert "s3 cv.pdf" in query["response-content-disposition"][0]
    assert query["response-content-type"] == ["application/pdf"]
    signed = requests.get(url, timeout=5)
    assert signed.status_code == 200
    assert signed.content == pdf
    assert signed.headers["Content-Disposition"].startswith("attachment;")

    with django_capture_on_commit_callbacks(execute=True):
        seeker_client.post(f"/profile/cv/{cv.pk}/delete/")
    listing = moto_s3.client.list_objects_v2(Bucket=moto_s3.name)
    assert listing.get("KeyCount", 0) == 0


def test_refused_uploads_leave_nothing_in_the_bucket(moto_s3, seeker, seeker_client):
    upload(seeker_client, "cv.pdf", builders.HTML)  # refused by the quick check
    upload(seeker_client, "cv.pdf", builders.pdf_with_javascript())  # by the deep check
    assert CV.objects.get(owner=seeker).state == "refused"
    assert moto_s3.client.list_objects_v2(Bucket=moto_s3.name).get("KeyCount", 0) == 0
