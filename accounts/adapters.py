from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal import ratelimit
from django import forms
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from jobletters.lib.emails import queue_message, site_context
from jobletters.lib.languages import email_language

from . import signin, verify
from .languages import page_language


def on_site(url: str) -> str:
    """The same page on the configured SITE_URL (a path, or a link built from a request's host)."""
    parts = urlsplit(url)
    path = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return settings.SITE_URL + path


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Through the outbox (an SMTP server that is down never fails sign-up or a reset),
        # in the recipient's language: their account's, else the page's.
        user = context.get("user")
        person = user if getattr(user, "pk", None) else None
        with translation.override(email_language([email], person)):
            message = self.render_mail(template_prefix, email, self.email_context(email, context))
        if not isinstance(message, EmailMultiAlternatives):
            raise TypeError(f"{template_prefix}: account emails have a text part and an HTML one")
        queue_message(message, kind=template_prefix, person=person)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        # A new account keeps the language its pages were in, until the person chooses.
        if not user.language:
            user.language = page_language(request)
        return super().save_user(request, user, form, commit)

    def respond_email_verification_sent(self, request: HttpRequest, user: Any) -> Any:
        # The "confirm your email address" page says where the email went (accounts.verify);
        # an address that has an account already comes without a user, and reads the same.
        address = getattr(user, "email", "") if user is not None else ""
        if not address and request.method == "POST":
            address = str(request.POST.get("email", "")).strip()
        if address:
            verify.remember_address(request, address)
        return super().respond_email_verification_sent(request, user)

    def email_context(self, email: str, context: dict[str, Any]) -> dict[str, Any]:
        """allauth's context for one of its emails, in the site's own terms: its configured
        name, address and support address, links that lead to SITE_URL whatever host the
        request came in on, and the pages a security notice points to."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        for name, value in list(ctx.items()):
            if name.endswith("_url") and isinstance(value, str):
                ctx[name] = on_site(value)
        ctx.update(site_context())
        ctx["password_reset_page_url"] = on_site(reverse("account_reset_password"))
        ctx["security_url"] = on_site(reverse("account_security"))
        return ctx

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # allauth's "login_failed" limit per IP still applies to passwords. Its per-key
        # part (per email) would let anyone lock the owner out, so passwords use our
        # per-bucket backoff instead; second-factor codes keep the per-key limit.
        ip_rates = ",".join(
            rate
            for rate in (settings.ACCOUNT_RATE_LIMITS.get("login_failed") or "").split(",")
            if rate.strip().endswith("/ip")
        )
        usage = ratelimit.consume(
            request, app="allauth.account", action="login_failed", config={"login_failed": ip_rates}
        )
        self._login_failed_rl_usage = usage
        if not usage:
            raise self.validation_error("too_many_login_attempts")
        try:
            self._signin_attempt = signin.start_attempt(
                request, login=str(credentials.get("email") or "")
            )
        except signin.MustWait as wait:
            raise forms.ValidationError(wait.message, code="must_wait") from None

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        attempt = getattr(self, "_signin_attempt", None)
        if user is not None and attempt is not None:
            attempt.succeeded()
        return user

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        from .reauth import authenticated_recently

        if authenticated_recently(allauth_context.request):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def get_user_search_fields(self) -> list[str]:
        # The admin's email addresses are found by the person's name too (allauth looks
        # for first_name/last_name, which our user has not).
        return ["email", "name"]
