"""HTML that is the same for everyone until the code or its data changes, kept per process.

The landing page, the privacy policy's text and the data inventory render the same
markup for every visitor. Rendering them once per process (and language) and
keeping the result in memory costs no network round trip and cannot go stale
across a deploy: a new release starts new processes. A fragment that depends on
data names that data in its key (e.g. the policy text), so a new value renders
anew. With ``DEBUG`` on nothing is kept, so template edits show at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

MAX_FRAGMENTS = 200  # a bound, in case a key ever takes many values

_fragments: dict[tuple[Hashable, ...], SafeString] = {}


def _digest(parts: tuple[object, ...]) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def fragment(name: str, *key: object, render: Callable[[], str]) -> SafeString:
    """``render()``'s output for ``name`` and ``key``: rendered once, then from memory."""
    cache_key = (name, get_language(), _digest(key))
    html = _fragments.get(cache_key)
    if html is None:
        html = mark_safe(render())  # noqa: S308  (the output of our own templates)
        if not settings.DEBUG:
            if len(_fragments) >= MAX_FRAGMENTS:
                _fragments.clear()
            _fragments[cache_key] = html
    return html


@receiver(setting_changed)
def forget_fragments(**kwargs: object) -> None:
    """Settings changed (tests): what was rendered with the old ones is dropped."""
    _fragments.clear()
