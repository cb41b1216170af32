"""The CV checks' refusals in the reader's language.

The checks (``profiles/cv_checks``) run in a sandboxed interpreter without Django,
so they word their refusals in English; the refusal stored on a CV stays in English
too. Pages show them translated by looking the English words up in the catalogue:
every fixed refusal is listed here for it (``tests/profiles`` holds the list complete).
Refusals that name a detail of the file (its kind, what was found) stay in English.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

WORDS = (
    gettext_noop(
        "We could not read this Word document; it may be damaged. Please save it again as "
        "a Word Document (.docx) or a PDF."
    ),
    gettext_noop(
        "This Word document contains macros, which we do not accept. Save it as a Word "
        "Document (.docx) without macros, or as a PDF."
    ),
    gettext_noop(
        "This Word document is password-protected. Please upload a copy without a password."
    ),
    gettext_noop(
        "We could not read this PDF; it may be damaged. Please export your CV to PDF "
        "again and upload the new file."
    ),
    gettext_noop(
        "This PDF is password-protected or encrypted, so recruiters could not open it. "
        "Please upload a copy without a password."
    ),
    gettext_noop(
        "This file is a ZIP archive but not a Word document. Please upload your CV as a "
        "PDF or Word (.docx) file."
    ),
    gettext_noop("This PDF has no pages."),
    gettext_noop("Please upload your CV as a PDF (.pdf) or a Word document (.docx)."),
    gettext_noop("This file is empty. Please choose your CV again."),
    gettext_noop("This file is too large."),
    gettext_noop(
        "This file contains web-page or script code, so we cannot accept it as a CV. "
        "Please export your CV to PDF or Word again and upload that file."
    ),
    gettext_noop(
        "Macro-enabled Word files (.docm) are not accepted. Save your CV as a Word "
        "Document (.docx) or PDF and upload that."
    ),
    gettext_noop(
        "This file has something else in front of its PDF content, which is a known trick "
        "to hide other code. Please export your CV to PDF again and upload that."
    ),
    gettext_noop(
        "This looks like an old Word file (.doc) or a password-protected document. Please "
        "save it as a Word Document (.docx) without a password, or as a PDF."
    ),
    gettext_noop(
        "This PDF has other data hidden after its end, a known trick to smuggle other "
        "files or code. Please export your CV to PDF again and upload that."
    ),
    gettext_noop(
        "This Word document has far more parts than a CV needs (a sign of a damaged or "
        "malicious file). Please save it again or upload a PDF."
    ),
    gettext_noop(
        "This Word document contains a file with a path outside the document, a known "
        "trick to overwrite files. Please save it again or upload a PDF."
    ),
    gettext_noop(
        "This Word document contains two parts with the same name, so programs could "
        "disagree about what it contains. Please save it again or upload a PDF."
    ),
    gettext_noop(
        "This Word document contains another file or archive inside it, which we do not "
        "accept. Please save your CV again as a plain Word Document (.docx) or as a PDF."
    ),
    gettext_noop(
        "We could not check this file. Please upload it again; if this keeps happening, "
        "export your CV to PDF again first."
    ),
)


def in_words(message: str) -> str:
    """A refusal in the active language (as it is, when the catalogue does not know it)."""
    return gettext(message) if message else ""
