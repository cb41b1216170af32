"""Password guessing is slowed down without letting a stranger lock the owner out.

Wrong passwords count per bucket, each backing off on its own: a browser that signed in
to the account before (a signed ``jl_device`` cookie) has a bucket per device and account;
every other browser shares one per email address (known or not, so nothing reveals which
addresses have accounts). Past the free failures each attempt waits for the previous one's
doubling delay; there is no hard block, and on a new browser the owner can always sign in
with an emailed code. A correct password resets its bucket; allauth's per-IP limit is on top.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

COOKIE_NAME = "jl_device"
_SALT = "accounts.known-device"
_MAX_ACCOUNTS_PER_DEVICE = 10


class MustWait(Exception):
    def __init__(self, seconds: int, *, known_device: bool) -> None:
        super().__init__(seconds)
        self.seconds = seconds
        self.known_device = known_device

    @property
    def message(self) -> str:
        wait = _in_words(self.seconds)
        if self.known_device:
            return _(
                "Too many wrong passwords were tried from this browser. "
                "Please try again in %(wait)s, or reset your password."
            ) % {"wait": wait}
        return _(
            "Too many wrong passwords were tried for this email address from browsers that "
            "have not signed in to it before. Please try again in %(wait)s, or sign in "
            "with a code we email you."
        ) % {"wait": wait}


# --- The known-device cookie ----------------------------------------------------------------


@dataclass(frozen=True)
class KnownDevice:
    device_id: str
    user_ids: tuple[int, ...]


def known_device(request: HttpRequest) -> KnownDevice | None:
    raw = request.COOKIES.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        value = signing.loads(raw, salt=_SALT, max_age=settings.KNOWN_DEVICE_COOKIE_AGE)
        device_id, user_ids = str(value["d"]), tuple(int(pk) for pk in value["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return KnownDevice(device_id=device_id, user_ids=user_ids)


def remember_device(request: HttpRequest, response: HttpResponse, user_id: int) -> None:
    """Add the account to this browser's known-device cookie (newest first)."""
    current = known_device(request)
    device_id = current.device_id if current else secrets.token_hex(16)
    others = [pk for pk in (current.user_ids if current else ()) if pk != user_id]
    value = {"d": device_id, "u": [user_id, *others][:_MAX_ACCOUNTS_PER_DEVICE]}
    response.set_cookie(
        COOKIE_NAME,
        signing.dumps(value, salt=_SALT, compress=True),
        max_age=settings.KNOWN_DEVICE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _device_knows(device: KnownDevice, login: str) -> int | None:
    """The id of the account with this email that signed in from ``device``, if any."""
    from .models import User

    return (
        User.objects.filter(pk__in=device.user_ids)
        .filter(Q(email__iexact=login) | Q(emailaddress__email__iexact=login))
        .values_list("pk", flat=True)
        .first()
    )


# --- Failure buckets with backoff -----------------------------------------------------------


@dataclass
class Attempt:
    bucket: str
    known_device: bool

    def succeeded(self) -> None:
        cache.delete_many([f"{self.bucket}:n", f"{self.bucket}:gate"])


def start_attempt(request: HttpRequest, *, login: str) -> Attempt:
    """Count a password attempt (as failed until :meth:`Attempt.succeeded`); raises MustWait."""
    login = login.strip().lower()
    device = known_device(request)
    user_id = _device_knows(device, login) if device and login else None
    if device and user_id:
        bucket = f"signin:device:{device.device_id}:{user_id}"
    else:
        bucket = "signin:account:" + hashlib.sha256(login.encode()).hexdigest()
    attempt = Attempt(bucket=bucket, known_device=bool(user_id))

    window = settings.SIGNIN_FAILURE_WINDOW_SECONDS
    count_key = f"{bucket}:n"
    cache.add(count_key, 0, timeout=window)
    try:
        number = cache.incr(count_key)
    except ValueError:  # expired between add and incr
        cache.set(count_key, 1, timeout=window)
        number = 1
    cache.touch(count_key, window)
    if number <= settings.SIGNIN_FREE_FAILURES:
        return attempt
    # One attempt per delay: the gate is claimed atomically, so parallel guesses
    # cannot slip through together.
    delay = backoff_seconds(number)
    gate_key = f"{bucket}:gate"
    if not cache.add(gate_key, 1, timeout=delay):
        cache.decr(count_key)
        # At most this long: no cache backend we use can say how much of it is left.
        raise MustWait(delay, known_device=attempt.known_device)
    return attempt


def backoff_seconds(attempt_number: int) -> int:
    """The wait after the ``attempt_number``-th attempt in a bucket (free ones wait 0)."""
    over = attempt_number - settings.SIGNIN_FREE_FAILURES
    if over <= 0:
        return 0
    base, most = settings.SIGNIN_BACKOFF_BASE_SECONDS, settings.SIGNIN_BACKOFF_MAX_SECONDS
    return int(min(base * 2 ** min(over - 1, 32), most))


def _in_words(seconds: int) -> str:
    if seconds < 60:
        return _("a minute")
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Remember, for the response, that this browser signed in to ``user``."""
    if request is not None:
        request._known_device_user_id = user.pk  # type: ignore[attr-defined]  # our mark on the request
