"""HTML that is the same for everyone until the code or its data changes, kept per process.

The landing page, the privacy policy's text, the data inventory and the layout's
head and footer render the same markup for every visitor. Rendering them once per
process (and language) and keeping the result in memory costs no network round
trip and cannot go stale across a deploy: a new release starts new processes. A
fragment that depends on data names that data in its key (e.g. the policy text),
so a new value renders anew. With ``DEBUG`` on nothing is kept, so template edits
show at once.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Hashable
from functools import partial, wraps
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

MAX_FRAGMENTS = 200  # a bound, in case a key ever takes many values

_Key = tuple[Hashable, ...]
_fragments: dict[_Key, SafeString] = {}
# When each page kept for anonymous visitors was rendered (pages whose data changes).
_born: dict[_Key, float] = {}


def _digest(parts: tuple[object, ...]) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _remembered(name: str, key: tuple[object, ...]) -> tuple[_Key, SafeString | None]:
    cache_key = (name, get_language(), _digest(key))
    return cache_key, _fragments.get(cache_key)


def _remember(cache_key: _Key, html: str) -> SafeString:
    safe = mark_safe(html)  # noqa: S308  (the output of our own templates)
    if not settings.DEBUG:
        if len(_fragments) >= MAX_FRAGMENTS:
            _fragments.clear()
            _born.clear()
        _fragments[cache_key] = safe
    return safe


def fragment(name: str, *key: object, render: Callable[[], str]) -> SafeString:
    """``render()``'s output for ``name`` and ``key``: rendered once, then from memory."""
    cache_key, html = _remembered(name, key)
    return html if html is not None else _remember(cache_key, render())


def is_plain_visit(request: HttpRequest) -> bool:
    """No session and no pending message: an anonymous visitor who gets what everyone gets."""
    return not (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        or request.COOKIES.get(CookieStorage.cookie_name)
    )


def same_for_anonymous_visitors(
    view: Callable[..., HttpResponse] | None = None, *, data_changes: bool = False
) -> Any:
    """A page every anonymous visitor sees alike: kept per process and publicly cacheable.

    For a GET without query string from a plain visit (no session, no pending
    message), the view's page is rendered once per process and served from memory,
    with ``Cache-Control: public, max-age=ANONYMOUS_PAGE_CACHE_SECONDS`` and
    ``Vary: Cookie`` (a visitor with a session cookie is another cache entry).
    Everyone else, and any answer but a 200 without cookies, goes through the view
    as usual; signed-in pages are never public.

    ``@same_for_anonymous_visitors(data_changes=True)``: a page drawn from data staff
    change (the transparency report, the processors, the policy's versions) is
    rendered again once its copy is ``ANONYMOUS_PAGE_CACHE_SECONDS`` old, no later
    than browsers and shared caches may keep it anyway.
    """
    if view is None:
        return partial(same_for_anonymous_visitors, data_changes=data_changes)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "GET" or request.GET or not is_plain_visit(request):
            return view(request, *args, **kwargs)
        cache_key, html = _remembered("page", (request.path,))
        max_age = settings.ANONYMOUS_PAGE_CACHE_SECONDS
        stale = data_changes and time.monotonic() - _born.get(cache_key, -max_age) >= max_age
        if stale:
            html = None
        if html is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            html = _remember(cache_key, response.content.decode(response.charset))
            _born[cache_key] = time.monotonic()
        response = HttpResponse(html)
        patch_cache_control(response, public=True, max_age=max_age)
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper


@receiver(setting_changed)
def forget_fragments(**kwargs: object) -> None:
    """Settings changed (tests): what was rendered with the old ones is dropped."""
    _fragments.clear()
    _born.clear()
