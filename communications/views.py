"""Email preferences (signed in) and the one-click unsubscribe page (anyone with the link)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from jobletters.access import BEARER, access

from . import categories
from . import preferences as service
from .categories import Category
from .forms import PreferencesForm


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    current = categories.choices_of(request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        changed = service.set_email_preferences(person=request.user, wanted=form.wanted())
        if changed:
            messages.success(request, _("Your email preferences were saved. They apply now."))
        else:
            messages.info(request, _("Nothing changed."))
        return redirect("communications:preferences")
    context = {"form": form, "always": Category.TRANSACTIONAL.spec}
    return render(request, "communications/preferences.html", context)


@access(BEARER)
@csrf_exempt  # RFC 8058: mail clients post here without cookies; the signed token decides
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = categories.read_unsubscribe_token(token)
    if found is None:
        return _private(render(request, "communications/unsubscribe_unknown.html", status=404))
    person, category = found
    if request.method == "POST":
        service.unsubscribe(person=person, category=category)
        # Answered here, never redirected: one-click clients do not follow redirects.
        context = {"category": category.spec, "email": _masked(person.email)}
        return _private(render(request, "communications/unsubscribe_done.html", context))
    context = {
        "category": category.spec,
        "email": _masked(person.email),
        "already": not categories.choices_of(person)[category],
    }
    return _private(render(request, "communications/unsubscribe.html", context))


def _private(response: HttpResponse) -> HttpResponse:
    # The token is in the address: keep it out of referrers and search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _masked(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"
