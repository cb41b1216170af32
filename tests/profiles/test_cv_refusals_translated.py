"""CV refusals are worded in English by the sandboxed checks and shown translated."""

from __future__ import annotations

import ast
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from profiles import cvs
from profiles.cv_checks import common, quick
from profiles.cv_checks.runner import caps
from profiles.models import CV

from . import builders

CHECKS = Path(settings.BASE_DIR) / "profiles" / "cv_checks"


def _translated(english: str) -> bool:
    with translation.override("fr"):
        return gettext(english) != english


def _fixed_refusals() -> tuple[set[str], set[str]]:
    """(words marked for the catalogue, words given to Refused unmarked)."""
    marked, unmarked = set(), set()
    for path in CHECKS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Refused":
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    unmarked.add(first.value)
                elif isinstance(first, ast.Call) and first.func.id == "gettext_noop":
                    marked.add(first.args[0].value)
    return marked, unmarked


def test_every_fixed_refusal_of_the_checks_is_marked_and_translated():
    marked, unmarked = _fixed_refusals()
    assert len(marked) > 15
    assert unmarked == set()
    assert [words for words in marked if not _translated(words)] == []
    assert _translated(cvs.COULD_NOT_CHECK)


def test_a_refusal_is_shown_in_french_to_a_french_reader():
    english = "This file is empty. Please choose your CV again."
    with translation.override("fr"):
        assert CV(refusal=english).refusal_words == (
            "Ce fichier est vide. Choisissez à nouveau votre CV."
        )
        assert CV(refusal="").refusal_words == ""
        assert CV(refusal="A detail we never listed.").refusal_words == "A detail we never listed."
    assert CV(refusal=english).refusal_words == english


@pytest.mark.django_db
def test_the_cv_list_shows_a_stored_refusal_in_the_readers_language(seeker, seeker_client):
    CV.objects.create(
        owner=seeker,
        original_name="cv.pdf",
        kind=CV.Kind.PDF,
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        state=CV.State.REFUSED,
        refusal="This PDF has no pages.",
    )
    html = seeker_client.get("/profile/cv/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Ce PDF n\u2019a aucune page." in html
    assert "This PDF has no pages." in seeker_client.get("/profile/cv/").content.decode()


def test_each_fixed_refusal_is_built_in_the_words_the_catalogue_knows():
    """Pages translate a refusal by its exact English words: one changed letter and the
    French reader sees English."""
    fixed = [
        (common.unreadable(common.PDF), "unreadable"),
        (common.unreadable(common.DOCX), "unreadable"),
        (common.encrypted(common.PDF), "encrypted"),
        (common.encrypted(common.DOCX), "encrypted"),
        (common.docx_macros(), "macros"),
    ]
    for refusal, code in fixed:
        assert _translated(refusal.message)
        assert (str(refusal), refusal.code) == (refusal.message, code)
    assert len({refusal.message for refusal, _ in fixed}) == len(fixed)


def test_a_refusal_that_names_a_detail_says_what_was_found_and_what_to_do():
    assert common.too_much_data(common.PDF).message == (
        "This PDF unpacks to far more data than a CV needs (a sign of a damaged or malicious "
        "file). Please export or save your CV again and upload the new file."
    )
    assert common.too_much_data(common.DOCX).message.startswith(
        "This Word document unpacks to far more data"
    )
    assert common.too_much_data(common.DOCX).code == "zip_bomb"
    refused = common.pdf_refused("runs JavaScript")
    assert (refused.message, refused.code) == (
        "This PDF runs JavaScript, which we do not accept for safety. Please export your CV "
        "to PDF again (for example with “Save as PDF”) and upload that.",
        "active_content",
    )
    refused = common.docx_refused("contains ActiveX controls")
    assert (refused.message, refused.code) == (
        "This Word document contains ActiveX controls, which we do not accept for safety. "
        "Please save your CV as a plain Word Document (.docx) or as a PDF and upload that.",
        "active_content",
    )
    assert common.docx_refused("contains embedded objects", code="embedded").code == "embedded"


def test_the_caps_reach_the_sandboxed_checks_whole():
    caps = common.Caps(
        max_bytes=1,
        zip_max_entries=2,
        zip_max_uncompressed_bytes=3,
        max_decompressed_bytes=4,
        text_max_chars=5,
    )
    assert caps.as_dict() == {
        "max_bytes": 1,
        "zip_max_entries": 2,
        "zip_max_uncompressed_bytes": 3,
        "max_decompressed_bytes": 4,
        "text_max_chars": 5,
    }
    assert common.Caps(**caps.as_dict()) == caps


def _zip(
    *names: str, flag_bits: int = 0, method: int = zipfile.ZIP_DEFLATED, part: bytes = b"<x/>"
) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            info = zipfile.ZipInfo(name)
            info.compress_type = method
            archive.writestr(info, part)
    data = bytearray(out.getvalue())
    if flag_bits:  # the "encrypted" bit, in each entry's central directory record
        start = data.find(b"PK\x01\x02")
        while start >= 0:
            data[start + 8] |= flag_bits
            start = data.find(b"PK\x01\x02", start + 4)
    return bytes(data)


WORD_PARTS = ("[Content_Types].xml", "_rels/.rels", "word/document.xml")
QUICK_REFUSALS = [
    pytest.param("cv.pdf", b"", "empty", id="empty"),
    pytest.param("cv.pdf", b"%PDF-1.7\n" + b"0" * 64, "too_large", id="too-large"),
    pytest.param("cv.txt", builders.pdf_bytes(), "type", id="not-a-cv-name"),
    pytest.param("cv.dotm", builders.docm_bytes(), "macros", id="macro-template-name"),
    pytest.param("cv.pdf", builders.pdf_with_html_in_head(), "active_content", id="html"),
    pytest.param("cv.pdf", builders.pdf_after_html_polyglot(), "polyglot", id="polyglot"),
    pytest.param("cv.docx", quick.OLE_MAGIC + b"\0" * 64, "type", id="old-word"),
    pytest.param("cv.pdf", b"%PDF-1.7\n no end", "unreadable", id="pdf-without-end"),
    pytest.param("cv.pdf", b"%PDF-1.7\n%%EOF\nmore", "trailing_data", id="pdf-trailing"),
    pytest.param("cv.docx", quick.ZIP_MAGIC + b"\0" * 64, "unreadable", id="broken-zip"),
    pytest.param("cv.docx", _zip(*WORD_PARTS, *"abcdef"), "zip_bomb", id="many-parts"),
    pytest.param("cv.docx", _zip(*WORD_PARTS, part=b"0" * 400), "zip_bomb", id="unpacks-to-much"),
    pytest.param("cv.docx", _zip(*WORD_PARTS, flag_bits=1), "encrypted", id="encrypted"),
    pytest.param("cv.docx", _zip(*WORD_PARTS, "../x"), "zip_path", id="path"),
    pytest.param("cv.docx", _zip(*WORD_PARTS, "WORD/document.xml"), "zip_duplicate", id="dup"),
    pytest.param(
        "cv.docx", _zip(*WORD_PARTS, method=zipfile.ZIP_BZIP2), "unreadable", id="zip-method"
    ),
    pytest.param("cv.docx", _zip(*WORD_PARTS, "word/vbaData.xml"), "macros", id="macros"),
    pytest.param("cv.docx", _zip(*WORD_PARTS, "word/a.docm"), "embedded", id="embedded"),
    pytest.param("cv.docx", _zip("_rels/.rels", "word/document.xml"), "mismatch", id="no-types"),
    pytest.param("cv.docx", _zip("[Content_Types].xml"), "mismatch", id="no-relationships"),
]


@pytest.mark.parametrize(("name", "data", "code"), QUICK_REFUSALS)
def test_each_refusal_of_the_quick_check_is_one_the_catalogue_translates(name, data, code):
    small = common.Caps(
        max_bytes=64 if code == "too_large" else 100_000,
        zip_max_entries=8,
        zip_max_uncompressed_bytes=1000,
        max_decompressed_bytes=1000,
        text_max_chars=100,
    )
    with pytest.raises(common.Refused) as refused:
        quick.quick_check(
            file=io.BytesIO(data),
            display_name=name,
            caps=small,
        )
    # The one refusal here that names the kind of file stays in English (see cv_refusals).
    words = refused.value.message
    named = words == common.too_much_data(common.DOCX).message
    assert (refused.value.code, _translated(words) or named) == (code, True)


@pytest.mark.parametrize(
    ("name", "data", "found"),
    [
        ("cv.pdf", builders.png_html_polyglot(), "a PNG image"),
        ("cv.pdf", b"\xff\xd8\xff\xe0 photo", "a JPEG image"),
        ("cv.pdf", b"GIF89a", "a GIF image"),
        ("cv.pdf", b"{\\rtf1 letter", "an RTF document"),
        ("cv.pdf", b"MZ\x90\x00", "a program"),
        ("cv.pdf", b"\x7fELF\x02", "a program"),
        ("cv.pdf", b"\xef\xbb\xbf <svg onload=x>", "an SVG image"),
        ("cv.pdf", b"\n<p>hello", "a web page (HTML)"),
        ("cv.pdf", b"text <html>", "a web page (HTML)"),
        ("cv.pdf", b"text <script>", "a web page (HTML)"),
        ("cv.pdf", _zip(*WORD_PARTS), "a ZIP archive"),
        ("cv.docx", builders.pdf_bytes(), "a PDF"),
        ("cv.pdf", b"plain words", "something else"),
    ],
)
def test_a_file_whose_content_is_not_its_name_says_what_it_is(name, data, found):
    with pytest.raises(common.Refused) as refused:
        quick.quick_check(file=io.BytesIO(data), display_name=name, caps=caps())
    label = "a PDF" if name.endswith(".pdf") else "a Word (.docx) document"
    assert (refused.value.code, refused.value.message) == (
        "mismatch",
        f"This file is named like {label} but its content is {found}. "
        "Please upload a real PDF or Word (.docx) file.",
    )


def test_what_the_quick_check_learnt_about_a_file_it_let_through():
    data = builders.pdf_bytes()
    upload = quick.quick_check(file=io.BytesIO(data), display_name="Cv.PDF", caps=caps())
    assert upload == quick.Upload(
        kind="pdf", display_name="Cv.PDF", size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )
    assert upload.content_type == "application/pdf"
