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
Each process also remembers what it recorded, so most requests skip the cache's
round trip too; the shared cache still decides between processes.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable

from allauth.account.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)


MAX_REMEMBERED = 10_000

# key -> time.monotonic() until which this process need not ask the cache again
_recorded_here: dict[str, float] = {}


def _recently_recorded_here(key: str, now: float) -> bool:
    until = _recorded_here.get(key)
    return until is not None and now < until


def _remember(key: str, until: float) -> None:
    if len(_recorded_here) >= MAX_REMEMBERED:
        _recorded_here.clear()  # a bound, not an eviction policy: we only ask the cache again
    _recorded_here[key] = until


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
    interval = settings.USERSESSIONS_ACTIVITY_INTERVAL
    now = time.monotonic()
    if _recently_recorded_here(key, now):
        return False
    try:
        due = cache.add(key, time.time(), timeout=interval)
        recorded_at = None if due else cache.get(key)
    except Exception:
        # Without the cache we cannot throttle; skip rather than write on every request.
        logger.warning("session activity not recorded: cache unavailable")
        return False
    if not due:
        # Another process recorded it: ask again when that record is due to expire.
        if isinstance(recorded_at, float):
            _remember(key, now + recorded_at + interval - time.time())
        return False
    _remember(key, now + interval)
    UserSession.objects.create_from_request(request, user=user, session=session)
    return True


def forget_recorded_sessions() -> None:
    """Forget what this process recorded (tests)."""
    _recorded_here.clear()


class SessionActivityMiddleware:
    """Throttled stand-in for ``allauth.usersessions.middleware.UserSessionsMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        record_session_activity(request)
        return self.get_response(request)
