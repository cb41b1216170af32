"""The deep check, as run in the sandboxed child: bytes in, a report and a copy out.

:func:`check` is the child's entry point (``jobletters.lib.sandbox.run`` calls
``profiles.cv_checks.deep:check``); :func:`parse_report` reads its output in
the parent. The report is a length-prefixed JSON header followed by the
normalised file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .common import DOCX, PDF, Caps, Refused, unreadable
from .quick import check_zip_directory

READY = "ready"
REFUSED = "refused"


@dataclass(frozen=True)
class Report:
    verdict: str  # READY or REFUSED
    code: str = ""
    message: str = ""
    text: str = ""
    text_read: bool = False
    normalised: bytes = b""


def check(data: bytes, *, kind: str, caps: dict) -> bytes:
    """Check one file completely; return the serialised :class:`Report`."""
    limits = Caps(**caps)
    normalised = b""
    try:
        if kind == PDF:
            from .pdf import check_pdf  # it checks the ending first, as the quick check did

            normalised, text = check_pdf(data, limits)
        elif kind == DOCX:
            import io

            from .docx import check_docx

            check_zip_directory(io.BytesIO(data), caps=limits)
            normalised, text = check_docx(data, limits)
        else:
            raise unreadable(kind)
        header = {"verdict": READY, "text": text or "", "text_read": text is not None}
    except Refused as refusal:
        header = {"verdict": REFUSED, "code": refusal.code, "message": refusal.message}
        normalised = b""
    encoded = json.dumps(header).encode()
    return len(encoded).to_bytes(8, "big") + encoded + normalised


def parse_report(output: bytes) -> Report:
    size = int.from_bytes(output[:8], "big")
    return Report(**json.loads(output[8 : 8 + size]), normalised=output[8 + size :])
