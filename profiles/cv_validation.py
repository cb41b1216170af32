"""Is this upload a CV we are willing to store and later send to recruiters?

We decide by content, never by the name or the type the browser sent: the
first bytes must match the extension, a PDF must parse, be unencrypted and carry
no scripts, automatic actions or embedded files, and a DOCX must be a plain
Word document (no macros) that does not unpack into something huge. Every
refusal is a :class:`~django.core.exceptions.ValidationError` whose message
tells the person what to do; nothing here may raise anything else.

The original filename is only ever *displayed* (sanitised); storage keys come
from :func:`jobletters.lib.files.generate_key`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from jobletters.lib.files import sanitise_filename

logger = logging.getLogger(__name__)

PDF = "pdf"
DOCX = "docx"
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
ACCEPT = ".pdf,.docx,application/pdf," + CONTENT_TYPES[DOCX]

# How much of a file we look at for signatures and web-page markers.
_HEAD = 1024
_PDF_MAGIC = b"%PDF-"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc, or a password-protected .docx
_OTHER_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
    (b"MZ", "a program"),
    (b"\x7fELF", "a program"),
)
# Text that makes a browser (or a careless viewer) treat bytes as a web page or script.
_ACTIVE_MARKERS = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|svg|iframe|object|embed)[\s>/]"
    rb"|javascript:",
    re.IGNORECASE,
)

# PDF: names that run something, or carry a file inside the file.
_PDF_FORBIDDEN_KEYS = {
    "/JS": "contains JavaScript",
    "/JavaScript": "contains JavaScript",
    "/AA": "runs actions automatically",
    "/Launch": "tries to launch a program",
    "/EmbeddedFiles": "contains embedded files",
    "/EF": "contains embedded files",
    "/RichMedia": "contains embedded media",
    "/XFA": "contains an XFA form",
}
_PDF_FORBIDDEN_ACTIONS = {
    "/JavaScript": "contains JavaScript",
    "/Launch": "tries to launch a program",
    "/SubmitForm": "sends form data somewhere",
    "/ImportData": "imports outside data",
    "/GoToE": "opens an embedded file",
    "/GoToR": "opens another file",
    "/RichMediaExecute": "contains embedded media",
    "/Rendition": "plays embedded media",
}
# The same names found in the raw bytes, as a second look that does not depend
# on the parser agreeing with a PDF viewer about which objects matter.
_PDF_RAW_FORBIDDEN = re.compile(
    rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia)(?=[\s()<>\[\]{}/%]|$)"
)
_PDF_MAX_OBJECTS = 100_000

_DOCX_MAIN_PART = "word/document.xml"
_DOCX_CONTENT_TYPES = "[Content_Types].xml"


@dataclass(frozen=True)
class ValidatedCV:
    kind: str  # PDF or DOCX
    display_name: str
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def max_size_label() -> str:
    return str(filesizeformat(settings.CV_MAX_BYTES)).replace("\xa0", " ")


def too_large_error() -> ValidationError:
    return ValidationError(
        f"This file is larger than {max_size_label()}. "
        "Please upload a smaller PDF or Word file (for example, with smaller images).",
        code="too_large",
    )


def validate_cv(*, file: IO[bytes], filename: str, size: int | None = None) -> ValidatedCV:
    """Check an uploaded CV; return its metadata or raise ValidationError with a message."""
    display_name = sanitise_filename(filename or "", default="cv")
    kind = _kind_from_name(display_name)

    if size is None:
        file.seek(0, 2)
        size = file.tell()
    if size == 0:
        raise ValidationError("This file is empty. Please choose your CV again.", code="empty")
    if size > settings.CV_MAX_BYTES:
        raise too_large_error()

    file.seek(0)
    head = file.read(_HEAD)
    _check_signature(head, kind)
    if _ACTIVE_MARKERS.search(head):
        raise ValidationError(
            "This file contains web-page or script code, so we cannot accept it as a CV. "
            "Please export your CV to PDF or Word again and upload that file.",
            code="active_content",
        )

    try:
        if kind == PDF:
            _check_pdf(file)
        else:
            _check_docx(file)
    except ValidationError:
        raise
    except Exception:
        # A parser tripping over a malformed file is the file's problem, not a
        # server error: say what we could not do and move on.
        logger.info("CV upload rejected: %s parser failed", kind, exc_info=True)
        raise _unreadable(kind) from None

    file.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: file.read(64 * 1024), b""):
        digest.update(block)
    file.seek(0)
    return ValidatedCV(kind=kind, display_name=display_name, size=size, sha256=digest.hexdigest())


def _kind_from_name(display_name: str) -> str:
    suffix = PurePosixPath(display_name).suffix.lower()
    if suffix == ".pdf":
        return PDF
    if suffix == ".docx":
        return DOCX
    if suffix in {".docm", ".dotm"}:
        raise ValidationError(
            "Macro-enabled Word files (.docm) are not accepted. "
            "Save your CV as a Word Document (.docx) or PDF and upload that.",
            code="macros",
        )
    raise ValidationError(
        "Please upload your CV as a PDF (.pdf) or a Word document (.docx).",
        code="file_type",
    )


def _check_signature(head: bytes, kind: str) -> None:
    expected = _PDF_MAGIC if kind == PDF else _ZIP_MAGIC
    if head.startswith(expected):
        return
    label = "a PDF" if kind == PDF else "a Word (.docx) document"
    if kind == PDF and _PDF_MAGIC in head:
        raise ValidationError(
            "This file has something else in front of its PDF content, which is a known "
            "trick to hide other code. Please export your CV to PDF again and upload that.",
            code="polyglot",
        )
    if kind == DOCX and head.startswith(_OLE_MAGIC):
        raise ValidationError(
            "This looks like an old Word file (.doc) or a password-protected document. "
            "Please save it as a Word Document (.docx) without a password, or as a PDF.",
            code="file_type",
        )
    actual = _describe(head)
    raise ValidationError(
        f"This file is named like {label} but its content is {actual}. "
        "Please upload a real PDF or Word (.docx) file.",
        code="mismatch",
    )


def _describe(head: bytes) -> str:
    for signature, label in _OTHER_SIGNATURES:
        if head.startswith(signature):
            return label
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in text:
        return "an SVG image"
    if text.startswith(b"<") or b"<html" in text or b"<script" in text:
        return "a web page (HTML)"
    if head.startswith(_PDF_MAGIC):
        return "a PDF"
    if head.startswith(_ZIP_MAGIC):
        return "a ZIP archive"
    return "something else"


def _unreadable(kind: str) -> ValidationError:
    if kind == PDF:
        return ValidationError(
            "We could not read this PDF; it may be damaged. "
            "Please export your CV to PDF again and upload the new file.",
            code="unreadable",
        )
    return ValidationError(
        "We could not read this Word document; it may be damaged. "
        "Please save it again as a Word Document (.docx) or a PDF.",
        code="unreadable",
    )


# --- PDF --------------------------------------------------------------------------


def _check_pdf(file: IO[bytes]) -> None:
    from pypdf import PdfReader

    file.seek(0)
    raw = file.read()
    if match := _PDF_RAW_FORBIDDEN.search(raw):
        name = match.group(0).decode("ascii")
        raise _pdf_rejected(_PDF_FORBIDDEN_KEYS.get(name, "contains embedded files"))

    file.seek(0)
    reader = PdfReader(file, strict=False)
    if reader.is_encrypted:
        raise ValidationError(
            "This PDF is password-protected or encrypted, so recruiters could not open it. "
            "Please upload a copy without a password.",
            code="encrypted",
        )
    if problem := _pdf_problem(reader):
        raise _pdf_rejected(problem)
    if len(reader.pages) < 1:
        raise ValidationError("This PDF has no pages.", code="empty")


def _pdf_rejected(problem: str) -> ValidationError:
    return ValidationError(
        f"This PDF {problem}, which we do not accept for safety. "
        "Please export your CV to PDF again (for example with “Save as PDF”) and upload that.",
        code="active_content",
    )


def _pdf_problem(reader) -> str | None:
    """Walk every object of the PDF (reachable or not) looking for active content."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    stack: list = [reader.trailer]
    for generation, entries in reader.xref.items():
        stack.extend(IndirectObject(idnum, generation, reader) for idnum in entries)
    stack.extend(IndirectObject(idnum, 0, reader) for idnum in reader.xref_objStm)

    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        visited += 1
        if visited > _PDF_MAX_OBJECTS:
            return "is too complex to check"
        if isinstance(obj, DictionaryObject):  # streams are dictionaries too
            for key, value in obj.items():
                if key in _PDF_FORBIDDEN_KEYS:
                    return _PDF_FORBIDDEN_KEYS[key]
                if key == "/S" and (action := str(value.get_object())) in _PDF_FORBIDDEN_ACTIONS:
                    return _PDF_FORBIDDEN_ACTIONS[action]
                if key == "/OpenAction" and (problem := _open_action_problem(value)):
                    return problem
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return None


def _open_action_problem(value) -> str | None:
    """Word and LibreOffice set /OpenAction to "show page 1": allow only that."""
    from pypdf.generic import ArrayObject, DictionaryObject

    action = value.get_object()
    if isinstance(action, ArrayObject):
        return None  # a destination: which page to show first
    if isinstance(action, DictionaryObject) and action.get("/S") == "/GoTo":
        return None
    return "runs an action when it is opened"


# --- DOCX -------------------------------------------------------------------------


def _check_docx(file: IO[bytes]) -> None:
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except zipfile.BadZipFile:
        raise _unreadable(DOCX) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > settings.CV_DOCX_MAX_ENTRIES:
            raise _docx_bomb("has far more parts")
        total = sum(entry.file_size for entry in entries)
        if total > settings.CV_DOCX_MAX_UNCOMPRESSED_BYTES:
            raise _docx_bomb("unpacks to far more data")
        names = {entry.filename.lower(): entry for entry in entries}
        if _DOCX_CONTENT_TYPES.lower() not in names or _DOCX_MAIN_PART not in names:
            raise ValidationError(
                "This file is a ZIP archive but not a Word document. "
                "Please upload your CV as a PDF or Word (.docx) file.",
                code="mismatch",
            )
        if any(entry.flag_bits & 0x1 for entry in entries):
            raise ValidationError(
                "This Word document is password-protected. "
                "Please upload a copy without a password.",
                code="encrypted",
            )
        if any(_is_macro_part(name) for name in names):
            raise _docx_macros()
        content_types = archive.read(names[_DOCX_CONTENT_TYPES.lower()])
        if b"macroenabled" in content_types.lower() or b"vbaproject" in content_types.lower():
            raise _docx_macros()

    # A real parse: python-docx refuses anything that is not a Word document.
    import docx

    file.seek(0)
    docx.Document(file)


def _is_macro_part(name: str) -> bool:
    return name.endswith(("vbaproject.bin", "vbadata.xml")) or name.startswith("word/activex/")


def _docx_bomb(what: str) -> ValidationError:
    return ValidationError(
        f"This Word document {what} than a CV needs "
        "(a sign of a damaged or malicious file). Please save it again or upload a PDF.",
        code="zip_bomb",
    )


def _docx_macros() -> ValidationError:
    return ValidationError(
        "This Word document contains macros, which we do not accept. "
        "Save it as a Word Document (.docx) without macros, or as a PDF.",
        code="macros",
    )
