"""A service that is down answers 503 "try again shortly", never a 500."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .outbox import is_transient

logger = logging.getLogger(__name__)


class OutsideServiceErrorMiddleware:
    """Turn errors of outside services (S3, Redis, SMTP, Stripe, a dropped database
    connection) raised by a view into a 503 page with ``Retry-After``.

    Views handle the errors they can explain better themselves; this is the net
    under all of them. Errors that are bugs still become 500s (and are logged).
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_transient(exception):
            return None
        logger.warning(
            "outside service unavailable during %s %s: %s",
            request.method,
            getattr(request.resolver_match, "view_name", "?"),
            exception.__class__.__name__,
        )
        try:
            response = render(request, "503.html", status=503)
        except Exception:  # the page itself needs something that is down
            response = HttpResponse(
                "A service we rely on is briefly unavailable. Please try again in a minute.",
                content_type="text/plain; charset=utf-8",
                status=503,
            )
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
