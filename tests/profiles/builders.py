"""Real files made in the tests: good CVs, and each attack from the issue."""

from __future__ import annotations

import io
import zipfile

from pypdf import PdfWriter
from pypdf.generic import NameObject

from profiles.demo import demo_cv_pdf

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def pdf_bytes(text: str = "Sam Seeker - Commercial lawyer", *, writer_hook=None) -> bytes:
    """A one-page PDF whose text pypdf can read back."""
    return demo_cv_pdf([text], writer_hook=writer_hook)


def pdf_with_javascript() -> bytes:
    from pypdf.actions import JavaScript

    return pdf_bytes(writer_hook=lambda w: w.add_open_action(JavaScript("app.alert('hi');")))


def pdf_with_hidden_javascript_name() -> bytes:
    """The same attack with the name hex-escaped (/J#61vaScript) so a byte scan misses it."""
    data = pdf_with_javascript()
    data = data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS", b"/J#53")
    assert b"/JavaScript" not in data
    return data


def pdf_with_attachment() -> bytes:
    return pdf_bytes(writer_hook=lambda w: w.add_attachment("payload.exe", b"MZ evil"))


def encrypted_pdf() -> bytes:
    return pdf_bytes(writer_hook=lambda w: w.encrypt("secret", algorithm="AES-256"))


def pdf_with_page_open_action() -> bytes:
    """What Word and LibreOffice write: "open at page 1". Harmless, must be accepted."""

    def hook(writer: PdfWriter) -> None:
        from pypdf.generic import ArrayObject, NullObject, NumberObject

        page_ref = writer.pages[0].indirect_reference
        writer.root_object[NameObject("/OpenAction")] = ArrayObject(
            [page_ref, NameObject("/XYZ"), NullObject(), NullObject(), NumberObject(0)]
        )

    return pdf_bytes(writer_hook=hook)


def docx_bytes(text: str = "Sam Seeker, commercial lawyer") -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Curriculum vitae", level=1)
    document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Skills"
    table.rows[0].cells[1].text = "Contract law"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _rezip(data: bytes, *, extra: dict[str, bytes] | None = None, replace=None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if replace:
                content = replace(item.filename, content)
            target.writestr(item.filename, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def docm_bytes() -> bytes:
    """A macro-enabled document: vbaProject.bin and the macroEnabled content type."""

    def to_macro(name: str, content: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return content.replace(
                b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                b"application/vnd.ms-word.document.macroEnabled.main+xml",
            )
        return content

    return _rezip(
        docx_bytes(),
        extra={"word/vbaProject.bin": b'\xd0\xcf\x11\xe0Attribute VB_Name = "Evil"'},
        replace=to_macro,
    )


def docx_zip_bomb() -> bytes:
    """A valid DOCX plus one part that inflates to 200 MB from a few hundred KB."""
    out = io.BytesIO(docx_bytes())
    with (
        zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("word/media/bomb.xml", "w", force_zip64=True) as part,
    ):
        block = b"\0" * (1024 * 1024)
        for _ in range(200):
            part.write(block)
    return out.getvalue()


def docx_with_many_entries(count: int = 1500) -> bytes:
    return _rezip(docx_bytes(), extra={f"word/media/{i}.xml": b"" for i in range(count)})


def png_html_polyglot() -> bytes:
    return (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
        b"<html><script>alert(document.cookie)</script></html>"
    )


def pdf_after_html_polyglot() -> bytes:
    """HTML first, then a real PDF: viewers find the PDF header anywhere in the first KB."""
    return b"<html><script>alert(1)</script></html>\n" + pdf_bytes()


def pdf_with_html_in_head() -> bytes:
    """A real PDF header at offset 0 followed by HTML in the first KB."""
    data = pdf_bytes()
    return data[:9] + b"%<html><script>alert(1)</script>\n" + data[9:]


SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
