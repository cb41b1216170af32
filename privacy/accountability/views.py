"""Public accountability pages: the transparency report (§3.2) and our processors (§3.3, §6),
with email notice of changes to them."""

from __future__ import annotations

from allauth.core.internal import ratelimit
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jobletters.access import BEARER, access
from jobletters.lib.caching import same_for_every_visitor
from privacy.accountability import legal
from privacy.documents import processors
from privacy.forms import SubscribeForm


@same_for_every_visitor
@require_GET
def transparency(request: HttpRequest) -> HttpResponse:
    periods = legal.transparency_report(since=settings.PRIVACY_TRANSPARENCY_SINCE)
    return render(
        request,
        "privacy/transparency.html",
        {
            "periods": periods,
            "outcomes": legal.OUTCOMES,
            "band": settings.PRIVACY_TRANSPARENCY_BAND,
        },
    )


@same_for_every_visitor
@require_GET
def subprocessors(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/subprocessors.html", {"listing": processors.listing()})


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    """Email me when the processors change: one click signed in, a confirmed address otherwise."""
    here = reverse("privacy:subprocessors_subscribe")
    if request.user.is_authenticated:
        if request.method == "POST":
            if request.POST.get("action") == "unsubscribe":
                processors.unsubscribe_person(person=request.user)
                messages.success(request, _("You will no longer get these emails."))
            else:
                processors.subscribe_person(person=request.user)
                messages.success(
                    request,
                    _("Done: we will email %(email)s when our processors change.")
                    % {"email": request.user.email},
                )
            return HttpResponseRedirect(here)
        return render(
            request,
            "privacy/subprocessors_subscribe.html",
            {"subscribed": processors.subscriptions_about(request.user).exists()},
        )
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed = ratelimit.consume(
            request, app="privacy", action="subscribe", config=settings.PRIVACY_RATE_LIMITS
        )
        if not allowed:
            return render(
                request,
                "privacy/subprocessors_subscribe.html",
                {"form": form, "too_many": True},
                status=429,
            )
        processors.request_visitor_subscription(email=form.cleaned_data["email"])
        messages.success(
            request,
            _(
                "Check your inbox: unless the address is subscribed already, we sent it a link "
                "to confirm. Nothing is stored until you confirm."
            ),
        )
        return HttpResponseRedirect(here)
    return render(request, "privacy/subprocessors_subscribe.html", {"form": form})


@access(BEARER)
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation email: GET asks (mail scanners open links), POST confirms."""
    email = processors.read_confirm_token(token)
    if email is None:
        return render(
            request,
            "privacy/subprocessors_link.html",
            {"invalid": True, "confirm": True},
            status=404,
        )
    if request.method == "POST":
        processors.confirm_visitor_subscription(email=email)
        return render(
            request, "privacy/subprocessors_link.html", {"confirmed": True, "email": email}
        )
    return render(request, "privacy/subprocessors_link.html", {"confirm": True, "email": email})


@access(BEARER)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every notice: GET asks, POST unsubscribes at once."""
    subscription = processors.subscription_for_token(token)
    if subscription is None:
        return render(request, "privacy/subprocessors_link.html", {"invalid": True}, status=404)
    if request.method == "POST":
        processors.unsubscribe(subscription=subscription)
        return render(request, "privacy/subprocessors_link.html", {"unsubscribed": True})
    return render(
        request,
        "privacy/subprocessors_link.html",
        {"unsubscribe": True, "email": processors.address_of(subscription)},
    )
