"""Record when each sign-in session was last used, at most once per interval.

allauth's ``UserSessionsMiddleware`` writes the session's row (last seen, IP address,
browser) on every request. This does the same through allauth's ``create_from_request``
(so "session client changed" still fires), but only when the cache has no mark for the
session, address and browser from the last ``USERSESSIONS_ACTIVITY_INTERVAL`` seconds:
a new address or browser is recorded at once. The key is hashed, so the cache holds no
address or session key in clear.
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
    digest = hashlib.sha256(f"{session.session_key}\n{ip}\n{user_agent}".encode()).hexdigest()
    try:
        due = cache.add(f"usersession-seen:{digest}", True, settings.USERSESSIONS_ACTIVITY_INTERVAL)
    except Exception:
        # Without the cache we cannot throttle; skip rather than write on every request.
        logger.warning("session activity not recorded: cache unavailable")
        return False
    if due:
        UserSession.objects.create_from_request(request, user=user, session=session)
    return due


class SessionActivityMiddleware:
    """Throttled stand-in for ``allauth.usersessions.middleware.UserSessionsMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        record_session_activity(request)
        return self.get_response(request)
