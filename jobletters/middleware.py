"""A service that is down answers 503 "try again shortly", never a 500."""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.signals import got_request_exception
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .outbox import is_transient

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
_FAILED = "_outside_service_error"


class OutsideServiceErrorMiddleware:
    """An outside service's error (PostgreSQL, Redis, S3, SMTP, Stripe) becomes a 503 page
    with ``Retry-After``, whatever raised it; errors that are bugs stay 500s.

    Django turns an exception in another middleware into a 500 before it reaches this one,
    but tells ``got_request_exception`` first: the error is noted on the request there, and
    such a 500 is swapped here. A view's own errors come to :meth:`process_exception`.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        error = getattr(request, _FAILED, None)
        if error is not None and response.status_code == 500:
            return unavailable(request, error)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return unavailable(request, exception) if is_transient(exception) else None


@receiver(got_request_exception)
def _note_outside_service_error(sender: Any, request: HttpRequest | None = None, **kwargs) -> None:
    error = sys.exc_info()[1]  # sent from inside Django's except block
    if request is not None and error is not None and is_transient(error):
        setattr(request, _FAILED, error)


def unavailable(request: HttpRequest, error: BaseException) -> HttpResponse:
    logger.warning(
        "outside service unavailable during %s %s: %s",
        request.method,
        getattr(request.resolver_match, "view_name", None) or request.path_info,
        error.__class__.__name__,
    )
    # The page names nobody: it must not need the session or the account that failed.
    request.user = AnonymousUser()
    try:
        response = render(request, "503.html", status=503)
    except Exception:  # the page itself needs something that is down
        response = HttpResponse(
            "A service we rely on is briefly unavailable. Please try again in a minute.",
            content_type="text/plain; charset=utf-8",
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
