"""``/privacy/cookies/``: the cookie table and the choice (policy §2.9, §6)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from . import cookies
from .cookies import OPTIONAL, Category


@csrf_exempt  # checked below: a token when signed in, the browser's Origin otherwise
@require_http_methods(["GET", "POST"])
def cookies_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.user.is_authenticated:
            return _save_with_token(request)
        if not cookies.same_origin(request):
            return render(request, "403.html", status=403)
        return _save(request)
    choice = cookies.choice_of(request)
    context = {
        "declared": cookies.declared_cookies(),
        "categories": list(Category),
        "choice": choice,
        "choice_checked": [c.value for c in OPTIONAL if choice.allows(c)],
    }
    return render(request, "privacy/cookies.html", context)


def _save(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("choice", "")
    if action == "all":
        wanted = dict.fromkeys(OPTIONAL, True)
    elif action == "necessary":
        wanted = dict.fromkeys(OPTIONAL, False)
    elif action == "save":
        wanted = {c: request.POST.get(c.value) == "on" for c in OPTIONAL}
    else:
        return _answer(request, ok=False, status=400)
    response = _answer(request, ok=True)
    cookies.apply_choice(
        request=request,
        response=response,
        preferences=wanted[Category.PREFERENCES],
        analytics=wanted[Category.ANALYTICS],
    )
    return response


_save_with_token = csrf_protect(_save)


def _answer(request: HttpRequest, *, ok: bool, status: int = 200) -> HttpResponse:
    """JSON for the banner's script; otherwise back to the page the choice was made on."""
    if "application/json" in request.headers.get("Accept", ""):
        if not ok:
            return JsonResponse(
                {"saved": False, "error": _("Choose one of the buttons.")}, status=status
            )
        return JsonResponse({"saved": True, "message": _("Your cookie choices were saved.")})
    if not ok:
        messages.error(request, _("Choose one of the buttons."))
        return HttpResponseRedirect(reverse("privacy:cookies"))
    messages.success(request, _("Your cookie choices were saved. Change them here at any time."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("privacy:cookies")
    return HttpResponseRedirect(target)
