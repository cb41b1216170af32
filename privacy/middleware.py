from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from privacy.rights.freeze import SESSION_FLAG

# What a frozen account may still open (allow-list): cancel, export, the policy pages,
# signing out and re-authenticating; everything else leads to the deletion page.
_ALLOWED_PREFIXES = (
    "/privacy/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/accounts/2fa/reauthenticate/",
    "/static/",
    "/healthz",
    "/readyz",
)


class FrozenAccountMiddleware:
    """Signed in while a deletion is pending: only cancel and export (§5)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        # The flag lives in the session (set when the deletion is requested and at each
        # sign-in while frozen): no query on ordinary requests.
        frozen = session is not None and session.get(SESSION_FLAG)
        if frozen and not request.path.startswith(_ALLOWED_PREFIXES):
            return redirect("privacy:delete")
        return self.get_response(request)
