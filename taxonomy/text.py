"""Text normalisation shared by storing and querying the taxonomy.

One function, used on both sides, so that "Zürich", "ZURICH" and "zurich"
meet, and "Attorney-at-Law" and "attorney at law" are the same words.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter plus an accent.
_FOLD = str.maketrans(
    {
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "ħ": "h",
        "\u0131": "i",  # dotless i
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "ŧ": "t",
    }
)
_NOT_WORD = re.compile(r"[\W_]+")

# Longest normalised text we store or search for: titles and place names are short.
MAX_LENGTH = 200


def normalise(text: str) -> str:
    """Lowercase, accent-stripped, punctuation collapsed to single spaces.

    >>> normalise("  Zürich / Saint-Gallen  ")
    'zurich saint gallen'
    """
    if not text:
        return ""
    if text.isascii():  # the common case, and the same result as the path below
        return _NOT_WORD.sub(" ", text.lower()).strip()[:MAX_LENGTH].strip()
    folded = unicodedata.normalize("NFKD", text.casefold()).translate(_FOLD)
    stripped = "".join(c for c in folded if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", stripped).strip()[:MAX_LENGTH].strip()
