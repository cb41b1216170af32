"""The checks an upload request may afford: they look at a file, they never unpack it.

We decide by content, never by the name or the type the browser sent: the
first bytes must match the extension, a PDF must start with its header and end
with ``%%EOF`` (nothing after it but blank space), and a DOCX's zip directory
must be small, flat and plainly named. The work is bounded by the size limit
(one read of at most ``max_bytes``) and the zip directory caps; parsing and
decompression are the deep check's job, in a worker.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from .common import (
    CONTENT_TYPES,
    DOCX,
    PDF,
    Caps,
    Refused,
    docx_macros,
    encrypted,
    gettext_noop,
    too_much_data,
    unreadable,
)

# How much of a file we look at for signatures and web-page markers.
_HEAD = 1024
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc, or a password-protected .docx
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
_PDF_EOF = b"%%EOF"
# PDF white space (ISO 32000 §7.2.2): all that may follow the last %%EOF.
PDF_WHITESPACE = b"\x00\t\n\x0c\r "
# Only "stored" and "deflated" members: other methods are not what Word writes.
_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
_ARCHIVE_SUFFIXES = (
    ".zip", ".docx", ".docm", ".dotx", ".dotm", ".xlsx", ".xlsm", ".pptx", ".pptm",
    ".jar", ".7z", ".rar", ".gz", ".tar", ".cab", ".bin", ".exe", ".dll", ".msi",
)  # fmt: skip


@dataclass(frozen=True)
class Upload:
    """What the quick check learnt about a file it let through."""

    kind: str  # PDF or DOCX
    display_name: str
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def quick_check(*, file: IO[bytes], display_name: str, caps: Caps) -> Upload:
    """Look at an upload (already size-limited by the upload handler); raise Refused."""
    kind = kind_from_name(display_name)
    file.seek(0)
    data = file.read(caps.max_bytes + 1)
    if not data:
        raise Refused(
            gettext_noop("This file is empty. Please choose your CV again."), code="empty"
        )
    if len(data) > caps.max_bytes:
        raise Refused(gettext_noop("This file is too large."), code="too_large")

    head = data[:_HEAD]
    _check_signature(head, kind)
    if _ACTIVE_MARKERS.search(head):
        raise Refused(
            gettext_noop(
                "This file contains web-page or script code, so we cannot accept it as a CV. "
                "Please export your CV to PDF or Word again and upload that file."
            ),
            code="active_content",
        )
    if kind == PDF:
        check_pdf_ending(data)
    else:
        check_zip_directory(file, caps=caps)
    file.seek(0)
    return Upload(
        kind=kind,
        display_name=display_name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def kind_from_name(display_name: str) -> str:
    suffix = PurePosixPath(display_name).suffix.lower()
    if suffix == ".pdf":
        return PDF
    if suffix == ".docx":
        return DOCX
    if suffix in {".docm", ".dotm"}:
        raise Refused(
            gettext_noop(
                "Macro-enabled Word files (.docm) are not accepted. "
                "Save your CV as a Word Document (.docx) or PDF and upload that."
            ),
            code="macros",
        )
    raise Refused(
        gettext_noop("Please upload your CV as a PDF (.pdf) or a Word document (.docx)."),
        code="type",
    )


def _check_signature(head: bytes, kind: str) -> None:
    expected = PDF_MAGIC if kind == PDF else ZIP_MAGIC
    if head.startswith(expected):
        return
    label = "a PDF" if kind == PDF else "a Word (.docx) document"
    if kind == PDF and PDF_MAGIC in head:
        raise Refused(
            gettext_noop(
                "This file has something else in front of its PDF content, which is a known "
                "trick to hide other code. Please export your CV to PDF again and upload that."
            ),
            code="polyglot",
        )
    if kind == DOCX and head.startswith(OLE_MAGIC):
        raise Refused(
            gettext_noop(
                "This looks like an old Word file (.doc) or a password-protected document. "
                "Please save it as a Word Document (.docx) without a password, or as a PDF."
            ),
            code="type",
        )
    raise Refused(
        f"This file is named like {label} but its content is {_describe(head)}. "
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
    if head.startswith(PDF_MAGIC):
        return "a PDF"
    if head.startswith(ZIP_MAGIC):
        return "a ZIP archive"
    return "something else"


def check_pdf_ending(data: bytes) -> None:
    """A PDF ends with %%EOF: anything after the last one (of any size) is refused."""
    end = data.rfind(_PDF_EOF)
    if end < 0:
        raise unreadable(PDF)
    if data[end + len(_PDF_EOF) :].strip(PDF_WHITESPACE):
        raise Refused(
            gettext_noop(
                "This PDF has other data hidden after its end, a known trick to smuggle "
                "other files or code. Please export your CV to PDF again and upload that."
            ),
            code="trailing_data",
        )


def check_zip_directory(file: IO[bytes], *, caps: Caps) -> list[zipfile.ZipInfo]:
    """Read only the zip's central directory; refuse anything a Word file never has."""
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise unreadable(DOCX) from None
    with archive:
        entries = archive.infolist()
    if len(entries) > caps.zip_max_entries:
        raise Refused(
            gettext_noop(
                "This Word document has far more parts than a CV needs "
                "(a sign of a damaged or malicious file). Please save it again or upload a PDF."
            ),
            code="zip_bomb",
        )
    if sum(entry.file_size for entry in entries) > caps.zip_max_uncompressed_bytes:
        raise too_much_data(DOCX)
    seen: set[str] = set()
    for entry in entries:
        name = entry.filename
        if entry.flag_bits & 0x1:
            raise encrypted(DOCX)
        if not is_plain_part_name(name):
            raise Refused(
                gettext_noop(
                    "This Word document contains a file with a path outside the document, "
                    "a known trick to overwrite files. Please save it again or upload a PDF."
                ),
                code="zip_path",
            )
        folded = unicodedata.normalize("NFC", name).casefold()
        if folded in seen:
            raise Refused(
                gettext_noop(
                    "This Word document contains two parts with the same name, so programs "
                    "could disagree about what it contains. Please save it again or upload a PDF."
                ),
                code="zip_duplicate",
            )
        seen.add(folded)
        if entry.compress_type not in _ZIP_METHODS:
            raise unreadable(DOCX)
        if posixpath.basename(folded).startswith(("vbaproject", "vbadata")):
            raise docx_macros()
        if folded.endswith(_ARCHIVE_SUFFIXES):
            raise Refused(
                gettext_noop(
                    "This Word document contains another file or archive inside it, "
                    "which we do not accept. Please save your CV again as a plain Word "
                    "Document (.docx) or as a PDF."
                ),
                code="embedded",
            )
    if "[content_types].xml" not in seen or "_rels/.rels" not in seen:
        raise Refused(
            gettext_noop(
                "This file is a ZIP archive but not a Word document. "
                "Please upload your CV as a PDF or Word (.docx) file."
            ),
            code="mismatch",
        )
    return entries


_SEGMENT = r"[A-Za-z0-9._~%+@!$&'()=,;\-\[\]]+"
_PART_NAME = re.compile(rf"^{_SEGMENT}(?:/{_SEGMENT})*/?$")


def is_plain_part_name(name: str) -> bool:
    """A relative path of ordinary segments: no '..', '.', '/' at the start, '\\' or ':'."""
    if not _PART_NAME.match(name):
        return False
    return all(segment not in {".", ".."} for segment in name.split("/"))
