"""The private storage spine: server-generated keys, permission-checked downloads."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from jobletters.lib.files import generate_key, private_file_response, sanitise_filename


def test_keys_are_generated_by_the_server():
    key = generate_key("cvs", "PDF")
    assert key.startswith("cvs/")
    assert key.endswith(".pdf")
    assert key != generate_key("cvs", "pdf")
    with pytest.raises(ValueError):
        generate_key("cvs", "../x")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\cv.pdf", "cv.pdf"),
        ("cv\x00.pdf", "cv.pdf"),
        ("", "file"),
        ("...", "file"),
    ],
)
def test_filenames_are_sanitised_for_display(raw, expected):
    assert sanitise_filename(raw) == expected


def test_long_unicode_names_are_bounded_and_keep_the_extension():
    name = sanitise_filename("Ünïcödé-" * 60 + ".docx")
    assert len(name) <= 120
    assert name.endswith(".docx")


def test_local_files_download_as_attachments_never_inline(settings):
    name = default_storage.save(generate_key("test", "pdf"), ContentFile(b"%PDF-1.4 test"))
    assert str(settings.MEDIA_ROOT) in default_storage.path(name)
    response = private_file_response(
        name=name, download_name="My CV.pdf", content_type="application/pdf"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"


def test_private_media_has_no_public_url(client, db):
    name = default_storage.save(generate_key("test", "pdf"), ContentFile(b"secret"))
    assert client.get(default_storage.url(name)).status_code == 404


def test_s3_objects_are_private_and_presigned_urls_force_download_and_expire(moto_s3):
    name = default_storage.save(generate_key("test", "pdf"), ContentFile(b"%PDF-1.4 s3"))
    # Not reachable without a signature.
    plain = f"{moto_s3.endpoint_url}/{moto_s3.name}/{name}"
    assert requests.get(plain, timeout=5).status_code == 403
    acl = moto_s3.client.get_object_acl(Bucket=moto_s3.name, Key=name)
    assert all("AllUsers" not in str(grant["Grantee"]) for grant in acl["Grants"])

    response = private_file_response(
        name=name, download_name="cv.pdf", content_type="application/pdf"
    )
    assert response.status_code == 302
    url = response["Location"]
    query = parse_qs(urlparse(url).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert query["response-content-disposition"][0].startswith("attachment;")
    signed = requests.get(url, timeout=5)
    assert signed.status_code == 200
    assert signed.content == b"%PDF-1.4 s3"
    assert signed.headers["Content-Disposition"].startswith("attachment;")


def test_s3_never_overwrites_an_existing_key(moto_s3):
    first = default_storage.save("fixed/name.txt", ContentFile(b"one"))
    second = default_storage.save("fixed/name.txt", ContentFile(b"two"))
    assert first != second
    assert default_storage.open(first).read() == b"one"
