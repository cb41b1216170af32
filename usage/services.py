"""Usage information (§2.7): recording sign-ins and where a sign-up came from."""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from .models import SignIn, SignUpSource

_HOST = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)


def session_hash(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest() if session_key else ""


def record_sign_in(*, request: HttpRequest, user: Any) -> SignIn | None:
    """Keep when, from which address and browser the person signed in (§2.7)."""
    try:
        ip = get_adapter().get_client_ip(request)
    except PermissionDenied:  # no address at all (e.g. a test's forced sign-in)
        return None
    session = getattr(request, "session", None)
    key = session.session_key if session is not None else ""
    return SignIn.objects.create(
        person=user,
        ip=ip,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
        session_hash=session_hash(key or ""),
    )


def sign_ins_of(user: Any) -> QuerySet[SignIn]:
    """The person's sign-ins, newest first: the only way views reach one."""
    return SignIn.objects.filter(person=user).order_by("-signed_in_at", "-pk")


def mark_sign_in_reported(*, sign_in: SignIn) -> None:
    if sign_in.reported_at is None:
        sign_in.reported_at = timezone.now()
        sign_in.save(update_fields=["reported_at"])


def _our_hosts(request: HttpRequest | None) -> set[str]:
    hosts = {urlsplit(settings.SITE_URL).hostname or ""}
    hosts.update(h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*")
    if request is not None:
        hosts.add(request.get_host().split(":")[0])
    return {h.lower() for h in hosts if h}


def clean_host(value: str) -> str:
    """A bare host name ("news.example.org"), or "" for anything else."""
    host = (value or "").strip().lower().rstrip(".")
    return host if _HOST.match(host) else ""


def external_referrer_host(request: HttpRequest | None) -> str:
    """The host of another site whose link brought the visitor here, if the browser says.

    Only the host is read, never the rest of the address; nothing at all when the
    browser asks not to be tracked (``Sec-GPC: 1`` or ``DNT: 1``).
    """
    if request is None or _asks_not_to_be_tracked(request):
        return ""
    referrer = request.META.get("HTTP_REFERER", "")
    try:
        host = clean_host(urlsplit(referrer).hostname or "")
    except ValueError:
        return ""
    return host if host and host not in _our_hosts(request) else ""


def _asks_not_to_be_tracked(request: HttpRequest) -> bool:
    return request.META.get("HTTP_SEC_GPC") == "1" or request.META.get("HTTP_DNT") == "1"


def record_signup_source(*, request: HttpRequest, person: Any, host: str) -> SignUpSource | None:
    """Keep the referring site's host given by the sign-up form (checked again here)."""
    host = clean_host(host)
    if not host or host in _our_hosts(request) or _asks_not_to_be_tracked(request):
        return None
    source, _ = SignUpSource.objects.get_or_create(person=person, defaults={"referrer_host": host})
    return source
