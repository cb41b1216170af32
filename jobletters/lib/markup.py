"""Small, safe markup that people write: paragraphs from blank lines and a few tags.

Each kind of text (the job letter, posts, announcements) is a :class:`SafeMarkup` with its
own allow-list, sanitised by nh3 when saved and again when shown. :meth:`~SafeMarkup.render_text`
reads text as typed with a Markdown subset (blank lines, ``**bold**``, ``- item``, links).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_BLOCKS = {"p", "ul", "ol", "blockquote", "h2", "h3"}

# Only what a letter needs: no headings, quotes, code or images, so a line that starts
# with "#", ">" or four spaces stays as typed; "html" off, so tags are shown as text.
_TYPED = MarkdownIt("zero", {"breaks": True, "linkify": True, "html": False}).enable(
    ["list", "emphasis", "newline", "escape", "link", "linkify", "autolink"]
)


class SafeMarkup:
    def __init__(self, *, tags: Iterable[str], link_rel: str) -> None:
        self.tags = frozenset(tags)
        self.link_rel = link_rel
        blocks = "|".join(sorted(self.tags & _BLOCKS))
        self._block_start = re.compile(rf"^\s*<({blocks})\b", re.IGNORECASE)

    def sanitise(self, text: str) -> str:
        """What we store: allowed tags only, links made safe, everything else escaped."""
        return nh3.clean(
            normalise_newlines(text).strip(),
            tags=set(self.tags),
            attributes={"a": {"href"}},
            url_schemes={"http", "https", "mailto"},
            url_relative="deny",
            link_rel=self.link_rel,
        )

    def render(self, stored: str, *, line_breaks: bool = True) -> SafeString:
        """Paragraphs from blank lines (line breaks kept unless told), sanitised again."""
        parts = []
        for chunk in paragraphs(stored):
            if self._block_start.match(chunk):
                parts.append(chunk)
            else:
                body = chunk.replace("\n", "<br>\n") if line_breaks else chunk
                parts.append(f"<p>{body}</p>")
        # nh3 is the sanitiser: its output is safe to mark as such.
        return mark_safe(self.sanitise("\n".join(parts)))  # noqa: S308  # nosec B308 B703

    def render_text(self, text: str) -> SafeString:
        """Text as typed, with its light formatting, as HTML within the allow-list."""
        # nh3 is the sanitiser: its output is safe to mark as such.
        return mark_safe(self.sanitise(_TYPED.render(normalise_newlines(text))))  # noqa: S308  # nosec B308 B703


def normalise_newlines(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs: pieces between blank lines, stripped, none empty."""
    chunks = _PARAGRAPH_BREAK.split(normalise_newlines(text))
    return [chunk.strip() for chunk in chunks if chunk.strip()]


def editable(stored: str) -> str:
    """The stored text as its author typed it (entities such as &amp; back to &)."""
    return html.unescape(stored or "")


def plain_length(stored: str) -> int:
    """Characters a reader sees (tags do not count against a limit)."""
    return len(html.unescape(nh3.clean(stored or "", tags=set())))
