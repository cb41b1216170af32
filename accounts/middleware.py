from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .signin import remember_device


class StaffMFARequiredMiddleware:
    """Staff must have two-factor authentication before they can use the admin."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._admin_prefix: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._admin_prefix is None:
            self._admin_prefix = reverse("admin:index")
        user = getattr(request, "user", None)
        if (
            request.path.startswith(self._admin_prefix)
            and user is not None
            and user.is_authenticated
            and user.is_staff
            and not Authenticator.objects.filter(user=user).exists()
        ):
            messages.warning(
                request,
                _("Staff must turn on two-factor authentication before using the admin."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Nothing shown to a signed-in person is stored by their browser or a proxy.

    A response to a signed-in request that sets no caching rules of its own gets
    ``Cache-Control: private, no-store``: the back button on a shared computer
    after signing out, or a proxy in between, keeps none of it. Views that decide
    for themselves (e.g. the landing page for anonymous visitors, vocabulary
    look-ups that are the same for everyone) keep their headers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and _signed_in(request):
            response["Cache-Control"] = "private, no-store"
        return response


def _signed_in(request: HttpRequest) -> bool:
    # The session says so without loading the user (a request that never
    # touched request.user costs no query for it).
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SESSION_KEY))


class KnownDeviceMiddleware:
    """After a sign-in, the browser is remembered as one this account uses (accounts.signin)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user_id = getattr(request, "_known_device_user_id", None)
        if user_id is not None:
            remember_device(request, response, user_id)
        return response
