from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health
from .dashboard import panels_for
from .lib.fragments import fragment


def _is_plain_visit(request: HttpRequest) -> bool:
    """No session and no pending message: the visitor gets the page everyone gets."""
    return not (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        or request.COOKIES.get(CookieStorage.cookie_name)
    )


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    if not _is_plain_visit(request):
        return render(request, "home.html")
    # The page everyone gets: rendered once per process.
    response = HttpResponse(
        fragment("landing", render=lambda: render_to_string("home.html", request=request))
    )
    # Shared caches may keep it; a visitor with a session cookie is a different entry.
    patch_cache_control(response, public=True, max_age=settings.LANDING_CACHE_SECONDS)
    patch_vary_headers(response, ["Cookie"])
    return response


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard.html", {"panels": panels_for(request)})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers and reaches the database. Cheap; poll freely."""
    healthy, checks = health.liveness()
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: database, broker and storage, checked at most every few seconds."""
    healthy, checks, age = health.readiness()
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks, "age": round(age, 1)},
        status=200 if healthy else 503,
    )


_MINIMAL_PAGE = "<!DOCTYPE html><html lang=en><title>Minimal</title><p>Minimal page.</p></html>"


def bench_minimal(request: HttpRequest) -> HttpResponse:
    """The baseline of bench/pages.py: a fixed short page through the same middleware."""
    return HttpResponse(_MINIMAL_PAGE)
