from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import translation
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import JavaScriptCatalog

from . import health
from .access import PUBLIC, access
from .dashboard import panels_for
from .lib.caching import same_for_every_visitor


@same_for_every_visitor
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard.html", {"panels": panels_for(request)})


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (admin, error pages)."""
    return redirect(static("favicon.ico"), permanent=True)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers and reaches the database. Cheap; poll freely."""
    healthy, checks = health.run_checks({"database": health.check_database})
    return _health(healthy, checks=checks)


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: database, broker and storage, checked at most every few seconds."""
    healthy, checks, age = health.readiness()
    return _health(healthy, checks=checks, age=round(age, 1))


def _health(healthy: bool, **body: object) -> JsonResponse:
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **body}, status=200 if healthy else 503
    )


@access(PUBLIC)
@require_GET
@cache_control(public=True, max_age=60 * 60)
def javascript_catalog(request: HttpRequest, language: str) -> HttpResponseBase:
    """What static/js/ says, in ``language``: Django's djangojs catalogue (locale/), only ours.

    One URL per language, so browsers and shared caches keep it; the scripts keep their
    English words without it.
    """
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise Http404("No such language.")
    with translation.override(language):
        return JavaScriptCatalog.as_view(packages=["jobletters"])(request)


_MINIMAL_PAGE = "<!DOCTYPE html><html lang=en><title>Minimal</title><p>Minimal page.</p></html>"


def bench_minimal(request: HttpRequest) -> HttpResponse:
    """The baseline of bench/pages.py: a fixed short page through the same middleware."""
    return HttpResponse(_MINIMAL_PAGE)
