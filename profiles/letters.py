"""The job letter: plain text with a small, safe markup (``jobletters.lib.markup``).

A seeker writes paragraphs separated by blank lines and may use ``<strong>``,
``<em>``, lists and links. :func:`sanitise_letter` runs on save;
:func:`render_letter` turns the stored text into the HTML recruiters see and
sanitises once more.
"""

from __future__ import annotations

from jobletters.lib.markup import SafeMarkup, editable

MAX_LETTER_CHARS = 5000

LETTER = SafeMarkup(
    tags={"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a"},
    link_rel="nofollow noopener noreferrer",
)

sanitise_letter = LETTER.sanitise
render_letter = LETTER.render
editable_letter = editable
