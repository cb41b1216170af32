"""What both stages share: the kinds of file, the caps, and how a refusal looks."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

PDF = "pdf"
DOCX = "docx"
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
ACCEPT = ".pdf,.docx,application/pdf," + CONTENT_TYPES[DOCX]
# Link targets a CV needs, in a PDF and a Word document alike: web pages and an email address.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def is_allowed_link(url: str) -> bool:
    if not url or any(ord(ch) < 33 or ord(ch) == 127 for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    return scheme in LINK_SCHEMES and (scheme == "mailto" or bool(parts.netloc))


def gettext_noop(message: str) -> str:
    """Marks words for the catalogue: pages show the refusal translated (``gettext``)."""
    return message


class Refused(Exception):
    """This file is not accepted; ``message`` tells the person what to do instead."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Caps:
    """Sizes a CV never needs to exceed (from settings, passed into the child as JSON)."""

    max_bytes: int
    zip_max_entries: int
    zip_max_uncompressed_bytes: int
    max_decompressed_bytes: int
    text_max_chars: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def unreadable(kind: str) -> Refused:
    if kind == PDF:
        return Refused(
            gettext_noop(
                "We could not read this PDF; it may be damaged. "
                "Please export your CV to PDF again and upload the new file."
            ),
            code="unreadable",
        )
    return Refused(
        gettext_noop(
            "We could not read this Word document; it may be damaged. "
            "Please save it again as a Word Document (.docx) or a PDF."
        ),
        code="unreadable",
    )


def too_much_data(kind: str) -> Refused:
    label = "PDF" if kind == PDF else "Word document"
    return Refused(
        f"This {label} unpacks to far more data than a CV needs "
        "(a sign of a damaged or malicious file). "
        "Please export or save your CV again and upload the new file.",
        code="zip_bomb",
    )


def pdf_refused(problem: str) -> Refused:
    return Refused(
        f"This PDF {problem}, which we do not accept for safety. "
        "Please export your CV to PDF again (for example with “Save as PDF”) and upload that.",
        code="active_content",
    )


def docx_refused(problem: str, *, code: str = "active_content") -> Refused:
    return Refused(
        f"This Word document {problem}, which we do not accept for safety. "
        "Please save your CV as a plain Word Document (.docx) or as a PDF and upload that.",
        code=code,
    )


def docx_macros() -> Refused:
    return Refused(
        gettext_noop(
            "This Word document contains macros, which we do not accept. "
            "Save it as a Word Document (.docx) without macros, or as a PDF."
        ),
        code="macros",
    )


def encrypted(kind: str) -> Refused:
    if kind == PDF:
        return Refused(
            gettext_noop(
                "This PDF is password-protected or encrypted, so recruiters could not open it. "
                "Please upload a copy without a password."
            ),
            code="encrypted",
        )
    return Refused(
        gettext_noop(
            "This Word document is password-protected. Please upload a copy without a password."
        ),
        code="encrypted",
    )
