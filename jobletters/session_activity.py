"""Record when each sign-in session was last used, at most once per interval.

allauth's ``UserSessionsMiddleware`` updates the session's row (last seen, IP
address, browser) on every request: one write, in a transaction, per page view,
and concurrent requests of one session queue on that row's lock. This middleware
does the same update through allauth's own ``create_from_request`` (so the
"session client changed" signal still fires), but only when the cache says the
session has not been recorded in the last ``USERSESSIONS_ACTIVITY_INTERVAL``
seconds. The sessions page's "last seen" is therefore exact to that interval.

A change of IP address or browser is recorded at once: both are part of the
cache key (hashed, so the cache holds no address or session key in clear).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from allauth.account.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)


def _seen_key(session_key: str, ip: str, user_agent: str) -> str:
    digest = hashlib.sha256(f"{session_key}\n{ip}\n{user_agent}".encode()).hexdigest()
    return f"usersession-seen:{digest}"


def record_session_activity(request: HttpRequest) -> bool:
    """Update the session's "last seen" unless it was done within the interval.

    Returns whether the row was written.
    """
    session = getattr(request, "session", None)
    # No session cookie: nobody is signed in, and the user is not even loaded.
    if session is None or not session.session_key:
        return False
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    try:
        ip = get_adapter().get_client_ip(request)
    except PermissionDenied:
        return False
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    key = _seen_key(session.session_key, ip, user_agent)
    try:
        due = cache.add(key, 1, timeout=settings.USERSESSIONS_ACTIVITY_INTERVAL)
    except Exception:
        # Without the cache we cannot throttle; skip rather than write on every request.
        logger.warning("session activity not recorded: cache unavailable")
        return False
    if not due:
        return False
    UserSession.objects.create_from_request(request, user=user, session=session)
    return True


class SessionActivityMiddleware:
    """Throttled stand-in for ``allauth.usersessions.middleware.UserSessionsMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        record_session_activity(request)
        return self.get_response(request)
