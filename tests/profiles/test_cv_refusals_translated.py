"""CV refusals are worded in English by the sandboxed checks and shown translated."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from profiles import cvs
from profiles.cv_checks import common
from profiles.cv_refusals import WORDS, in_words
from profiles.models import CV

CHECKS = Path(settings.BASE_DIR) / "profiles" / "cv_checks"


def _fixed_refusals() -> set[str]:
    found = set()
    for path in CHECKS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Refused":
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
    return found


def test_every_fixed_refusal_of_the_checks_is_listed_for_the_catalogue():
    refusals = _fixed_refusals()
    assert len(refusals) > 15
    assert refusals - set(WORDS) == set()
    assert cvs.COULD_NOT_CHECK in WORDS


def test_a_refusal_is_shown_in_french_to_a_french_reader():
    english = "This file is empty. Please choose your CV again."
    with translation.override("fr"):
        assert in_words(english) == "Ce fichier est vide. Choisissez à nouveau votre CV."
        assert in_words("") == ""
        assert in_words("A detail we never listed.") == "A detail we never listed."
    assert in_words(english) == english


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
        assert refusal.message in WORDS
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
