"""Sending the confirmation email again, from the "confirm your email address" page.

The page knows the address when the person has just signed up or tried to sign in (kept in
the session), else asks for it; the answer never says whether an account waits for it. The
email goes at most once every few minutes per address (allauth's ``confirm_email``) and a few
times an hour per client.
"""

from __future__ import annotations

from allauth.account.internal.flows.email_verification import consume_email_verification_rate_limit
from allauth.account.models import EmailAddress
from allauth.core.internal import ratelimit
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

SESSION_KEY = "account_verification_email"


class ResendForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your email address"), max_length=254)


def remember_address(request: HttpRequest, email: str) -> None:
    """The address the confirmation email went to, for the page that says so."""
    if email and hasattr(request, "session"):
        request.session[SESSION_KEY] = email


@require_POST
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    # An address typed in the form, else the one the page was about.
    remembered = {"email": str(request.session.get(SESSION_KEY) or "")}
    form = ResendForm(request.POST if "email" in request.POST else remembered)
    if not form.is_valid():
        return render(request, "account/verification_sent.html", {"resend_form": form}, status=400)
    email = form.cleaned_data["email"]
    if not ratelimit.consume(
        request,
        app="accounts",
        action="resend_confirmation",
        config={"resend_confirmation": settings.RATE_LIMIT_RESEND_CONFIRMATION},
    ) or not consume_email_verification_rate_limit(request, email):
        return render(request, "account/resend_too_soon.html", {"email": email}, status=429)
    address = (
        EmailAddress.objects.filter(email__iexact=email, verified=False, user__is_active=True)
        .select_related("user")
        .first()
    )
    if address is not None:
        address.send_confirmation(request, signup=False)
    remember_address(request, email)
    messages.success(
        request,
        gettext(
            "If an account is waiting for %(email)s to be confirmed, a new email is on its "
            "way. It can take a few minutes; look in your spam folder too."
        )
        % {"email": email},
    )
    return redirect("account_email_verification_sent")
