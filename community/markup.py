"""Safe markup for public posts: plain paragraphs with a few tags, sanitised with nh3.

The same rules as the job letter (``profiles.letters``), plus quotes; every link
gets ``rel="nofollow noopener noreferrer ugc"``. Text is sanitised when saved and
again when shown, so a row written some other way cannot carry markup we did
not allow.
"""

from __future__ import annotations

import html
import re

import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote"}
_ATTRIBUTES = {"a": {"href"}}
_URL_SCHEMES = {"http", "https", "mailto"}
_BLOCK_START = re.compile(r"^\s*<(p|ul|ol|blockquote)\b", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def sanitise(text: str) -> str:
    """What we store: allowed tags only, links made safe, everything else escaped or removed."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return nh3.clean(
        text.strip(),
        tags=ALLOWED_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        url_relative="deny",
        link_rel="nofollow noopener noreferrer ugc",
    )


def editable(stored: str) -> str:
    """The stored text as its author typed it (entities such as &amp; back to &)."""
    return html.unescape(stored or "")


def render(stored: str) -> SafeString:
    """Paragraphs from blank lines, line breaks kept, sanitised again."""
    chunks = [c.strip() for c in _PARAGRAPH_BREAK.split(stored or "") if c.strip()]
    parts = []
    for chunk in chunks:
        if _BLOCK_START.match(chunk):
            parts.append(chunk)
        else:
            parts.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    # nh3 is the sanitiser: its output is safe to mark as such.
    return mark_safe(sanitise("\n".join(parts)))  # noqa: S308


def plain_length(stored: str) -> int:
    """Characters a reader sees (tags do not count against the limit)."""
    return len(html.unescape(nh3.clean(stored or "", tags=set())))
