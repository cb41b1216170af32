"""What recruiters receive: a normalised copy with only what a CV needs."""

from __future__ import annotations

import io
import zipfile

import pikepdf
import pytest

from profiles import cvs
from profiles.cv_checks import deep
from profiles.cv_checks.runner import caps
from profiles.models import CV

from . import builders
from .helpers import upload


def _copy(seeker, seeker_client, name: str, data: bytes) -> bytes:
    assert upload(seeker_client, name, data).status_code == 302
    cv = CV.objects.get(owner=seeker, original_name=name)
    assert cv.state == "ready", cv.refusal
    with cvs.copy_for_recruiters(cv=cv).file.open("rb") as stored:
        return stored.read()


def test_pdf_copy_keeps_pages_text_and_links_and_nothing_else(seeker, seeker_client):
    copy = _copy(seeker, seeker_client, "cv.pdf", builders.pdf_with_links())
    with pikepdf.open(io.BytesIO(copy)) as pdf:
        assert len(pdf.pages) == 2
        assert set(pdf.Root.keys()) <= {"/Type", "/Pages", "/Lang", "/OpenAction"}
        assert isinstance(pdf.Root.OpenAction, pikepdf.Array)  # "open at page 1" only
        assert dict(pdf.docinfo) == {"/Title": "Sam Seeker CV"}  # no author, no producer
        assert "/Metadata" not in pdf.Root
        links = [a for a in pdf.pages[0].Annots]
        assert {str(a.Subtype) for a in links} == {"/Link"}
        uris = {str(a.A.URI) for a in links if "/A" in a}
        assert uris == {"https://www.linkedin.com/in/sam-seeker/", "mailto:sam@example.com"}
        [internal] = [a for a in links if "/Dest" in a]
        assert internal.Dest[0].objgen == pdf.pages[1].obj.objgen
        allowed = {"/Type", "/Subtype", "/Rect", "/Border", "/BS", "/C", "/QuadPoints", "/H"}
        for annotation in links:
            assert set(annotation.keys()) <= allowed | {"/F", "/A", "/Dest"}
    # The copy passes the same check, and its text is still there for recruiters.
    report = deep.parse_report(deep.check(copy, kind="pdf", caps=caps().as_dict()))
    assert report.verdict == "ready" and "Sam Seeker" in report.text


def test_pdf_copy_from_object_streams_is_valid(seeker, seeker_client):
    copy = _copy(seeker, seeker_client, "cv.pdf", builders.in_object_streams(builders.pdf_bytes()))
    with pikepdf.open(io.BytesIO(copy)) as pdf:
        assert len(pdf.pages) == 1
        assert pdf.check_pdf_syntax() == []


def test_docx_copy_drops_comments_authors_custom_xml_and_accepts_changes(seeker, seeker_client):
    copy = _copy(seeker, seeker_client, "cv.docx", builders.docx_for_recruiters())
    archive = zipfile.ZipFile(io.BytesIO(copy))
    names = set(archive.namelist())
    assert "word/document.xml" in names
    assert not {n for n in names if "comment" in n.lower() or n.startswith("customXml/")}
    assert "word/people.xml" not in names and "docProps/app.xml" not in names
    assert "docProps/thumbnail.jpeg" not in names
    everything = b"".join(archive.read(n) for n in names)
    for gone in (b"Reviewer Rita", b"Editor Ed", b"Sam Seeker</dc:creator>", b"Removed line",
                 b"w:customXml", b"commentReference", b"lastModifiedBy", b"w:author"):  # fmt: skip
        assert gone not in everything, gone
    assert b"<dc:title>Sam Seeker CV</dc:title>" in archive.read("docProps/core.xml")
    rels = archive.read("word/_rels/document.xml.rels")
    assert b'Target="https://www.linkedin.com/in/sam/" TargetMode="External"' in rels

    import docx

    document = docx.Document(io.BytesIO(copy))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Dewey & Partners" in text and "Added line" in text and "Inside custom XML" in text
    report = deep.parse_report(deep.check(copy, kind="docx", caps=caps().as_dict()))
    assert report.verdict == "ready"


def test_docx_svg_pictures_reach_recruiters_as_their_png(seeker, seeker_client):
    data = builders.docx_with_svg_icon()
    assert b"svgBlip" in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    copy = _copy(seeker, seeker_client, "cv.docx", data)
    archive = zipfile.ZipFile(io.BytesIO(copy))
    assert not [n for n in archive.namelist() if n.endswith(".svg")]
    document = archive.read("word/document.xml")
    assert b"svgBlip" not in document and b"<a:blip" in document
    assert [n for n in archive.namelist() if n.endswith(".png")]
    assert b"svg" not in archive.read("[Content_Types].xml")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(builders.long_pdf(40), id="long-pdf"),
        pytest.param(builders.pdf_with_page_open_action(), id="open-at-page-1"),
        pytest.param(builders.docx_bytes(), id="plain-docx"),
    ],
)
def test_ordinary_cvs_pass_and_their_copies_pass_again(data):
    kind = "pdf" if data.startswith(b"%PDF") else "docx"
    report = deep.parse_report(deep.check(data, kind=kind, caps=caps().as_dict()))
    assert report.verdict == "ready", report.message
    again = deep.parse_report(deep.check(report.normalised, kind=kind, caps=caps().as_dict()))
    assert again.verdict == "ready"
