from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

import stripe
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from jobletters.access import SIGNED_IN, access

from . import gateway, ledger
from .checkout import CheckoutUnavailable, TooManyCheckouts, start_checkout
from .models import LedgerEntry, Plan, Purchase
from .stripe_events import handle_stripe_event

logger = logging.getLogger(__name__)


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.GET.get("cancelled"):
        messages.info(request, _("Payment cancelled. Nothing was charged."))
        return redirect("billing:index")
    # The purchase history leaves out checkouts that were never paid (newest first, as
    # both models are ordered).
    purchases = Purchase.objects.filter(account__user=request.user).exclude(
        status__in=(Purchase.Status.PENDING, Purchase.Status.EXPIRED)
    )
    entries = LedgerEntry.objects.filter(account__user=request.user)[:50]
    return render(
        request,
        "billing/index.html",
        {
            "configured": gateway.is_configured(),
            "plans": Plan.objects.filter(active=True),
            "balance": ledger.balance(user=request.user),
            "purchases": purchases,
            "entries": entries,
        },
    )


@access(SIGNED_IN)
@login_required
@require_http_methods(["GET", "POST"])
def checkout(request: AuthenticatedHttpRequest, plan: str) -> HttpResponse:
    chosen = get_object_or_404(Plan, slug=plan, active=True)
    if not gateway.is_configured():
        messages.error(
            request,
            _(
                "Sends cannot be bought here at the moment: this server has no connection "
                "to our payment provider."
            ),
        )
        return redirect("billing:index")
    if request.method == "POST":
        try:
            url = start_checkout(
                user=request.user,
                plan=chosen,
                # Stripe fills in {CHECKOUT_SESSION_ID} when it sends the person back.
                success_url=settings.SITE_URL
                + reverse("billing:success")
                + "?session_id={CHECKOUT_SESSION_ID}",
                cancel_url=settings.SITE_URL + reverse("billing:index") + "?cancelled=1",
            )
        except TooManyCheckouts:
            messages.error(
                request,
                _(
                    "You have started many checkouts in the last hour without paying. "
                    "Please finish one of them or try again later."
                ),
            )
            return render(request, "billing/checkout.html", {"plan": chosen}, status=429)
        except CheckoutUnavailable:
            messages.error(
                request,
                _(
                    "We could not reach our payment provider. Nothing was charged; "
                    "please try again in a few minutes."
                ),
            )
            return redirect("billing:checkout", plan=chosen.slug)
        if not url:
            return redirect("billing:index")
        # 303: the browser follows with a GET to Stripe's page.
        return HttpResponseRedirect(url, status=303)
    response = render(
        request,
        "billing/checkout.html",
        {"plan": chosen, "local_test_payments": settings.LOCAL_TEST_PAYMENTS},
    )
    if settings.STRIPE_API_BASE:
        # stripe-mock or a test double serves its checkout page from its own
        # origin (real Checkout is allowed in the site-wide form-action).
        parts = urlsplit(settings.STRIPE_API_BASE)
        response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}  # type: ignore[attr-defined]  # django-csp's per-response hook
    return response


@never_cache
@login_required
def success(request: AuthenticatedHttpRequest) -> HttpResponse:
    session_id = request.GET.get("session_id", "")
    if not session_id:
        raise Http404("No checkout given.")
    # Someone else's checkout is a 404, like one that does not exist.
    purchase = get_object_or_404(
        Purchase, account__user=request.user, stripe_checkout_session_id=session_id
    )
    return render(
        request,
        "billing/success.html",
        {
            "purchase": purchase,
            "confirming": purchase.status in (Purchase.Status.PENDING, Purchase.Status.PROCESSING),
            "balance": ledger.balance(user=request.user),
        },
    )


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    if not gateway.is_configured():
        return JsonResponse({"error": "Payments are not configured."}, status=503)
    payload = request.body
    try:
        gateway.construct_event(payload=payload, signature=request.headers.get("Stripe-Signature"))
        event = json.loads(payload)
        event_id, event_type = str(event["id"]), str(event["type"])
        data_object = event["data"]["object"]
        livemode = event.get("livemode")
        if not isinstance(data_object, dict) or not isinstance(livemode, bool | None):
            raise TypeError("data.object is not an object")
    except stripe.SignatureVerificationError:
        logger.warning("stripe webhook with a bad signature rejected")
        return JsonResponse({"error": "Invalid signature."}, status=400)
    except (ValueError, KeyError, TypeError):
        logger.warning("stripe webhook with a malformed body rejected")
        return JsonResponse({"error": "Malformed event."}, status=400)
    outcome = handle_stripe_event(
        event_id=event_id, event_type=event_type, data_object=data_object, livemode=livemode
    )
    return JsonResponse({"status": outcome})
