"""The job letter: plain text as the seeker typed it, with light formatting.

Blank lines make paragraphs, ``**bold**`` and ``- item`` lines format, and bare links
become links (``jobletters.lib.markup``): the text is stored as typed and
:func:`render_letter` turns it into the HTML recruiters see, within the letter's
allow-list. A send keeps that HTML (``recruiters.packets``): what was sent stays as it
was, and :func:`render_sent_letter` shows it (letters stored as HTML before, in packets
already sent, too).
"""

from __future__ import annotations

from django.utils.html import strip_tags
from django.utils.safestring import SafeString

from jobletters.lib.markup import SafeMarkup, normalise_newlines

MAX_LETTER_CHARS = 5000

LETTER = SafeMarkup(
    tags={"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a"},
    link_rel="nofollow noopener noreferrer",
)


def render_letter(text: str) -> SafeString:
    """The letter as recruiters see it."""
    return LETTER.render_text(text or "")


def render_sent_letter(html: str) -> SafeString:
    """A letter kept as HTML in a packet, sanitised again."""
    return LETTER.render(html or "")


def clean_letter(text: str) -> str:
    """What we store: the text as typed, without trailing space or carriage returns;
    "" when it says nothing (blank, or formatting only)."""
    text = normalise_newlines(text).strip()
    return text if strip_tags(render_letter(text)).strip() else ""
