"""Who may keep a page: HTTP caching rules, nothing stored here.

A signed-in person's response that sets no rules is ``private, no-store``. A view marked
:func:`same_for_every_visitor` is ``public`` (with ``Vary: Cookie`` and an ETag) for a
visitor without a session, as long as the response sets no cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import conditional_page

PUBLIC_MAX_AGE = 5 * 60  # seconds: how stale a shared page may be after staff change it


def same_for_every_visitor(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a page that is the same for every visitor without a session."""
    wrapped = conditional_page(view)
    wrapped.same_for_every_visitor = True  # type: ignore[attr-defined]  # a mark on the view
    return wrapped


class CachingRulesMiddleware:
    """Listed before the session, CSRF and message middleware: it sees the final cookies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        if _signed_in(request):
            response["Cache-Control"] = "private, no-store"
        elif (
            getattr(request, "same_for_every_visitor", False)
            and request.method in ("GET", "HEAD")
            and response.status_code in (200, 304)
            and not response.cookies
        ):
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
            patch_vary_headers(response, ["Cookie"])
        return response

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        request.same_for_every_visitor = getattr(view, "same_for_every_visitor", False)  # type: ignore[attr-defined]  # our mark


def _signed_in(request: HttpRequest) -> bool:
    # The session says so without loading the user (a request that never
    # touched request.user costs no query for it).
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SESSION_KEY))
