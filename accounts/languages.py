"""The language of a person's pages (policy §2.8): their saved choice when signed in
(:class:`PersonLanguageMiddleware`), else Django's ``LocaleMiddleware`` (the chooser's
``jl_language`` cookie, then ``Accept-Language``), else English.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from jobletters.lib.languages import AVAILABLE, supported


class LanguageScopeMiddleware:
    """Outermost of the language middleware: the language a request activated ends with
    it, so nothing the same thread runs afterwards (a scheduled job, the next test) is
    in someone else's language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            translation.deactivate()


class PersonLanguageMiddleware:
    """A signed-in person's saved language wins over the browser's and the cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        saved = supported(user.language) if user is not None and user.is_authenticated else None
        if saved and saved != getattr(request, "LANGUAGE_CODE", None):
            translation.activate(saved)
            request.LANGUAGE_CODE = saved
        response = self.get_response(request)
        if saved:
            response.headers["Content-Language"] = saved
        return response


# --- The chooser ------------------------------------------------------------------------


@csrf_exempt  # checked below: a token when signed in, the browser's Origin otherwise
@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """The language menu in every page's footer (a plain form POST, no script)."""
    if request.user.is_authenticated:
        return _choose_with_token(request)
    if not _same_origin(request):
        return render(request, "403.html", status=403)
    return _choose(request)


def _same_origin(request: HttpRequest) -> bool:
    """A visitor's choice is posted without a CSRF token (the cached pages carry none):
    the browser's ``Origin`` (or ``Referer``) must be this site, so another site
    cannot choose for them."""
    origin = request.META.get("HTTP_ORIGIN")
    ours = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
    if origin:
        return origin in ours
    if request.META.get("HTTP_SEC_FETCH_SITE") not in (None, "same-origin", "none"):
        return False
    referrer = request.META.get("HTTP_REFERER")
    if referrer:
        parts = urlsplit(referrer)
        return f"{parts.scheme}://{parts.netloc}" in ours
    return True


def _choose(request: HttpRequest) -> HttpResponse:
    code = supported(request.POST.get("language"))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    response = HttpResponseRedirect(target)
    if code is None or code not in AVAILABLE:
        messages.error(request, _("Choose one of the languages in the list."))
        return response
    translation.activate(code)
    request.LANGUAGE_CODE = code
    if request.user.is_authenticated:
        get_user_model()._default_manager.filter(pk=request.user.pk).update(language=code)
        request.user.language = code
        messages.success(request, _("Your language was saved on your account."))
    else:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=None,  # until the browser closes
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


_choose_with_token = csrf_protect(_choose)


def page_language(request: HttpRequest | None) -> str:
    """The language this request's page is in (one of settings.LANGUAGES)."""
    code = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
    return supported(code) or settings.LANGUAGE_CODE
