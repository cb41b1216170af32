"""The job letter: plain text with a small, safe markup.

A seeker writes paragraphs separated by blank lines and may use ``<strong>``,
``<em>``, lists and links. :func:`sanitise_letter` runs on save (nh3, an
allow-list HTML sanitiser); :func:`render_letter` turns the stored text into the
HTML recruiters see and sanitises once more, so even a row written some other
way cannot carry markup we did not allow.
"""

from __future__ import annotations

import html
import re

import nh3
from django.utils.safestring import SafeString, mark_safe

MAX_LETTER_CHARS = 5000

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a"}
_ATTRIBUTES = {"a": {"href"}}
_URL_SCHEMES = {"http", "https", "mailto"}
_BLOCK_START = re.compile(r"^\s*<(p|ul|ol)\b", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def sanitise_letter(text: str) -> str:
    """What we store: allowed tags only, links made safe, everything else escaped."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return nh3.clean(
        text.strip(),
        tags=ALLOWED_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        url_relative="deny",
        link_rel="nofollow noopener noreferrer",
    )


def editable_letter(stored: str) -> str:
    """The stored letter as the seeker typed it (entities such as &amp; back to &)."""
    return html.unescape(stored or "")


def render_letter(stored: str) -> SafeString:
    """Paragraphs from blank lines, line breaks kept, sanitised again."""
    chunks = [c.strip() for c in _PARAGRAPH_BREAK.split(stored or "") if c.strip()]
    parts = []
    for chunk in chunks:
        if _BLOCK_START.match(chunk):
            parts.append(chunk)
        else:
            parts.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    # nh3 is the sanitiser: its output is safe to mark as such.
    return mark_safe(sanitise_letter("\n".join(parts)))  # noqa: S308
