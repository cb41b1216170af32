"""Every attack is refused with a message, never a 500.

Cheap refusals (name, size, first bytes, the end of a PDF, a DOCX's zip directory)
come on the form at once; everything that needs parsing is refused by the deep
check in a worker, and the person sees the reason in the CV list.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from profiles.cv_checks import deep
from profiles.cv_checks.runner import caps
from profiles.models import CV

from . import builders
from .helpers import URL, stored_files, upload

QUICK_ATTACKS = [
    pytest.param(
        "cv.pdf", builders.HTML, "its content is a web page (HTML)", id="html-renamed-pdf"
    ),
    pytest.param(
        "cv.docx", builders.HTML, "its content is a web page (HTML)", id="html-renamed-docx"
    ),
    pytest.param("cv.svg", builders.SVG, "Please upload your CV as a PDF", id="svg"),
    pytest.param("cv.pdf", builders.SVG, "its content is an SVG image", id="svg-renamed-pdf"),
    pytest.param(
        "cv.pdf", builders.png_html_polyglot(), "its content is a PNG image", id="png-html"
    ),
    pytest.param(
        "cv.pdf",
        builders.pdf_after_html_polyglot(),
        "something else in front of its PDF content",
        id="pdf-header-not-at-start",
    ),
    pytest.param(
        "cv.pdf",
        builders.pdf_with_html_in_head(),
        "contains web-page or script code",
        id="html-in-first-kb",
    ),
    pytest.param(
        "cv.pdf", b"%PDF-1.7\n this is not a pdf", "We could not read this PDF", id="pdf-broken"
    ),
    pytest.param(
        "cv.docx", builders.docx_zip_bomb(), "unpacks to far more data", id="docx-zip-bomb"
    ),
    pytest.param(
        "cv.docx", builders.docx_with_many_entries(), "has far more parts", id="docx-many-parts"
    ),
    pytest.param("cv.docm", builders.docm_bytes(), "Macro-enabled Word files", id="docm"),
    pytest.param(
        "cv.docx", builders.docm_bytes(), "This Word document contains macros", id="docm-renamed"
    ),
    pytest.param(
        "cv.pdf",
        builders.pdf_with_html_after_eof(offset=4096),
        "other data hidden after its end",
        id="pdf-html-after-eof-past-first-kb",
    ),
    pytest.param(
        "cv.pdf",
        builders.pdf_with_zip_after_eof(),
        "other data hidden after its end",
        id="pdf-zip-after-eof",
    ),
    pytest.param(
        "cv.docx",
        builders.docx_with_entry("../../x"),
        "a path outside the document",
        id="docx-dot-dot-entry",
    ),
    pytest.param(
        "cv.docx",
        builders.docx_with_entry("/etc/x.xml"),
        "a path outside the document",
        id="docx-absolute-entry",
    ),
    pytest.param(
        "cv.docx",
        builders.docx_with_duplicate_entry(),
        "two parts with the same name",
        id="docx-duplicate-entries",
    ),
    pytest.param(
        "cv.docx",
        builders.docx_with_entry("word/embeddings/inner.zip"),
        "another file or archive inside it",
        id="docx-nested-zip-by-name",
    ),
    pytest.param(
        "cv.docx",
        builders.docx_with_ole_object(),
        "another file or archive inside it",
        id="docx-ole-object",
    ),
    pytest.param(
        "cv.docx",
        builders.pdf_bytes(),
        "named like a Word (.docx) document but its content is a PDF",
        id="pdf-renamed-docx",
    ),
    pytest.param("cv.pdf", b"", "This file is empty", id="empty"),
    pytest.param("cv", builders.pdf_bytes(), "Please upload your CV as a PDF", id="no-extension"),
    pytest.param("cv.exe", b"MZ\x90\x00", "Please upload your CV as a PDF", id="program"),
]


DEEP_ATTACKS = [
    pytest.param(
        "pdf", builders.pdf_with_javascript(), "This PDF contains JavaScript", id="pdf-js"
    ),
    pytest.param(
        "pdf",
        builders.pdf_with_hidden_javascript_name(),
        "This PDF contains JavaScript",
        id="pdf-js-hex-escaped-name",
    ),
    pytest.param(
        "pdf",
        builders.pdf_with_attachment(),
        "This PDF contains embedded files",
        id="pdf-embedded-file",
    ),
    pytest.param(
        "pdf", builders.encrypted_pdf(), "password-protected or encrypted", id="pdf-encrypted"
    ),
    pytest.param(
        "pdf",
        builders.pdf_open_action_next_uri(),
        "runs an action when it is opened",
        id="pdf-open-action-then-uri",
    ),
    pytest.param(
        "pdf",
        builders.pdf_open_action_next_launch(),
        "tries to launch a program",
        id="pdf-open-action-then-launch",
    ),
    pytest.param(
        "pdf",
        builders.pdf_open_action_next_print(),
        "runs viewer commands",
        id="pdf-open-action-then-print",
    ),
    pytest.param(
        "pdf", builders.pdf_with_remote_thread(), "opens another file", id="pdf-remote-thread"
    ),
    pytest.param("pdf", builders.pdf_with_remote_goto(), "opens another file", id="pdf-gotor"),
    pytest.param("pdf", builders.pdf_with_sound(), "plays sounds", id="pdf-sound"),
    pytest.param(
        "pdf", builders.pdf_with_3d_script(), "3D content that can run scripts", id="pdf-3d"
    ),
    pytest.param(
        "pdf", builders.pdf_with_rich_media(), "contains embedded media", id="pdf-rich-media"
    ),
    pytest.param(
        "pdf",
        builders.pdf_with_rich_media(hex_escaped=True),
        "contains embedded media",
        id="pdf-rich-media-hex-escaped",
    ),
    pytest.param(
        "pdf",
        builders.pdf_with_rich_media(in_object_stream=True),
        "contains embedded media",
        id="pdf-rich-media-in-object-stream",
    ),
    pytest.param(
        "pdf",
        builders.pdf_with_javascript_link(),
        "not a web or email address",
        id="pdf-javascript-uri",
    ),
    pytest.param(
        "pdf", builders.pdf_with_file_link(), "not a web or email address", id="pdf-file-uri"
    ),
    pytest.param("pdf", builders.pdf_with_widget(), "contains form fields", id="pdf-form-field"),
    pytest.param(
        "docx",
        builders.docx_with_remote_template(),
        "loads a template from elsewhere",
        id="docx-remote-template",
    ),
    pytest.param(
        "docx",
        builders.docx_with_unc_image(),
        "loads content from outside the document",
        id="docx-unc-image",
    ),
    pytest.param(
        "docx",
        builders.docx_with_embedded_docm_as_picture(),
        "another file, archive or program inside it",
        id="docx-docm-disguised-as-picture",
    ),
    pytest.param(
        "docx",
        builders.docx_with_activex_outside_its_folder(),
        "contains ActiveX controls",
        id="docx-activex-elsewhere",
    ),
    pytest.param(
        "docx",
        builders.docx_with_macro_type_as_character_reference(),
        "contains macros",
        id="docx-macro-type-character-reference",
    ),
    pytest.param(
        "docx", builders.docx_with_ddeauto(), "DDE field that can run programs", id="docx-ddeauto"
    ),
    pytest.param(
        "docx",
        builders.docx_with_remote_includepicture(),
        "loads a picture from elsewhere",
        id="docx-includepicture",
    ),
    pytest.param("docx", builders.docx_with_altchunk(), "does not need", id="docx-altchunk"),
    pytest.param(
        "docx",
        builders.docx_with_nested_zip(),
        "another file, archive or program inside it",
        id="docx-nested-zip-as-picture",
    ),
]


@pytest.mark.parametrize(("kind", "data", "message"), DEEP_ATTACKS)
def test_deep_check_refuses_attack_and_deletes_the_file(seeker_client, seeker, kind, data, message):
    response = upload(seeker_client, f"cv.{kind}", data)
    assert response.status_code == 302  # the request only looked; the worker decided
    cv = CV.objects.get(owner=seeker)
    assert cv.state == "refused" and message in cv.refusal
    assert not cv.is_current and cv.file.name == "" and cv.normalised_file.name == ""
    assert stored_files() == [] and stored_files("cv-copies") == []
    page = seeker_client.get(URL).content.decode()
    assert "Refused." in page and message in page
    assert seeker_client.get(f"/profile/cv/{cv.pk}/download/").status_code == 404
    response = seeker_client.post(f"/profile/cv/{cv.pk}/delete/", follow=True)
    assert "was dismissed" in response.content.decode()
    assert not CV.objects.exists()


@pytest.mark.parametrize(("kind", "data", "message"), DEEP_ATTACKS)
def test_deep_check_refuses_attack_in_process_too(kind, data, message):
    """The same allow-lists, called directly (what the child runs)."""
    report = deep.parse_report(deep.check(data, kind=kind, caps=caps().as_dict()))
    assert report.verdict == "refused" and message in report.message


@pytest.mark.parametrize(("name", "data", "message"), QUICK_ATTACKS)
def test_attack_is_refused_with_a_message(seeker_client, seeker, name, data, message):
    response = upload(seeker_client, name, data, "application/pdf")
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert 'class="field-error"' in content
    assert not CV.objects.filter(owner=seeker).exists()
    assert stored_files() == []


def test_ten_megabytes_and_one_byte_gets_the_size_message(seeker_client, seeker, settings):
    assert settings.CV_MAX_BYTES == 10 * 1024 * 1024
    data = b"%PDF-1.4\n" + b"0" * (settings.CV_MAX_BYTES + 1 - 9)
    assert len(data) == 10 * 1024 * 1024 + 1
    response = upload(seeker_client, "big.pdf", data)
    assert response.status_code == 200
    assert "This file is larger than 10 MB." in response.content.decode()
    assert not CV.objects.exists()


def test_a_file_of_exactly_the_limit_is_not_refused_for_its_size(seeker_client, settings):
    settings.CV_MAX_BYTES = 64 * 1024
    pdf = builders.pdf_bytes()
    padded = pdf + b"\n" * (settings.CV_MAX_BYTES - len(pdf))  # blank space after %%EOF
    assert len(padded) == settings.CV_MAX_BYTES
    assert upload(seeker_client, "cv.pdf", padded).status_code == 302
    response = upload(seeker_client, "cv.pdf", padded + b" ")
    assert "This file is larger than 64 KB." in response.content.decode()


def test_choosing_no_file_says_so(seeker_client):
    response = seeker_client.post(URL, {})
    assert "Please choose a file to upload." in response.content.decode()


def _raw_upload(client, filename: bytes, data: bytes):
    """A multipart body with the filename bytes exactly as an attacker sends them."""
    boundary = b"----jl-test-boundary"
    body = (
        b"--" + boundary + b"\r\n"
        b'Content-Disposition: form-data; name="file"; filename="' + filename + b'"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + data + b"\r\n--" + boundary + b"--\r\n"
    )
    return client.generic(
        "POST", URL, body, content_type=f"multipart/form-data; boundary={boundary.decode()}"
    )


@pytest.mark.parametrize(
    ("raw_name", "shown"),
    [
        pytest.param(b"../../../../etc/passwd.pdf", "passwd.pdf", id="dot-dot-slash"),
        pytest.param(b"..\\..\\windows\\cv.pdf", "cv.pdf", id="backslashes"),
        pytest.param(b"cv\x00.pdf", "cv.pdf", id="nul"),
        pytest.param(b"my cv\x07\x1b[31m.pdf", "my cv[31m.pdf", id="control-characters"),
    ],
)
def test_hostile_filenames_are_only_displayed_sanitised(
    seeker_client, seeker, raw_name, shown, django_capture_on_commit_callbacks
):
    pdf = builders.pdf_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = _raw_upload(seeker_client, raw_name, pdf)
    assert response.status_code == 302
    cv = CV.objects.get(owner=seeker)
    assert cv.original_name == shown
    assert cv.file.name.startswith("cvs/") and ".." not in cv.file.name
    assert stored_files() == [cv.file.name]
    download = seeker_client.get(f"/profile/cv/{cv.pk}/download/")
    assert "\x00" not in download["Content-Disposition"]
    assert "/" not in download["Content-Disposition"].split("filename", 1)[1]


def test_hostile_filename_with_hostile_content_is_refused(seeker_client, seeker):
    response = _raw_upload(seeker_client, b"../../static/js/site.pdf", builders.HTML)
    assert response.status_code == 200
    assert "its content is a web page (HTML)" in response.content.decode()
    assert not CV.objects.exists()


def test_very_long_unicode_name_is_shortened_for_display(seeker_client, seeker):
    name = "Curriculum-vitæ-Zoë-Ødegård-日本語-" * 20 + ".pdf"
    response = upload(seeker_client, name, builders.pdf_bytes())
    assert response.status_code == 302
    cv = CV.objects.get(owner=seeker)
    assert len(cv.original_name) <= 120
    assert cv.original_name.startswith("Curriculum-vitæ-Zoë")
    assert cv.original_name.endswith(".pdf")
    # The stored key is ours alone (a random token), nothing of the name it came with.
    assert re.fullmatch(r"cvs/\d{4}/\d{2}/[A-Za-z0-9_-]{32}\.pdf", cv.file.name)


def test_markup_in_a_filename_is_escaped_on_the_page(seeker_client, seeker):
    upload(seeker_client, "<img src=x onerror=alert(1)>.pdf", builders.pdf_bytes())
    content = seeker_client.get(URL).content.decode()
    assert "<img src=x" not in content
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in content


def test_word_and_libreoffice_open_action_is_accepted(seeker_client, seeker):
    """Refusing every /OpenAction would refuse ordinary exported CVs."""
    assert upload(seeker_client, "cv.pdf", builders.pdf_with_page_open_action()).status_code == 302
    assert CV.objects.get(owner=seeker).state == "ready"


_PREFIXES = st.sampled_from([b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\x89PNG", b"<html>"])
_NAMES = st.one_of(
    st.text(max_size=300),
    st.builds(
        lambda stem, ext: stem + ext,
        st.text(max_size=80),
        st.sampled_from([".pdf", ".docx", ".PDF", ".docm", ".svg", ""]),
    ),
)


@hypothesis_settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(prefix=_PREFIXES, body=st.binary(max_size=4096), name=_NAMES)
def test_random_bytes_and_names_never_cause_a_server_error(
    seeker_client, settings, prefix, body, name
):
    settings.CV_UPLOADS_PER_HOUR = 100_000
    # The test client re-raises any exception from the view, so a 500 fails here.
    # The raw body carries the name as sent, quotes and line breaks included (a
    # malformed multipart body is a 400, which is the right answer to it).
    response = _raw_upload(seeker_client, name.encode(), prefix + body)
    assert response.status_code in (200, 302, 400)
    if response.status_code == 200:
        assert 'class="field-error"' in response.content.decode()


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(["pdf", "docx"]),
    body=st.binary(max_size=4096),
    cut=st.integers(min_value=0, max_value=2000),
)
def test_the_deep_check_answers_every_input_with_a_report(kind, body, cut):
    """Damaged or random files are refused with a message; nothing escapes as an error."""
    base = builders.pdf_bytes() if kind == "pdf" else builders.docx_bytes()
    data = base[:cut] + body + base[cut:]
    report = deep.parse_report(deep.check(data, kind=kind, caps=caps().as_dict()))
    assert report.verdict in ("ready", "refused")
    if report.verdict == "refused":
        assert report.message
