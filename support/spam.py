"""Spam protection for the contact form, needing no third party: a honeypot field people
never see (a filled one is answered like any other post and dropped), a signed token saying
when the form was shown (a post faster than anyone types, or an old, changed or missing
token, is refused with a fresh form), and rate limits per client, address and person.
"""

from __future__ import annotations

import time

from allauth.core.internal import ratelimit
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

SALT = "jobletters.support.form"
HONEYPOT_FIELD = "leave_empty"
TOKEN_FIELD = "shown"  # noqa: S105 (a form field's name)


_TOO_FAST = _("That was very quick. Please check your message, then send it again.")
_EXPIRED = _("This form was open for too long, or was changed. Please send your message again.")


def form_token(*, now: float | None = None) -> str:
    """A token saying when the form was shown (signed: it cannot be back-dated)."""
    return signing.dumps({"shown": now if now is not None else time.time()}, salt=SALT)


def check_form_token(token: str) -> None:
    """A ValidationError unless a person could have written the form in the time it was open."""
    try:
        value = signing.loads(token or "", salt=SALT)
    except signing.BadSignature:  # changed or missing
        raise ValidationError(_EXPIRED, code="expired") from None
    shown = value.get("shown") if isinstance(value, dict) else None
    age = time.time() - shown if isinstance(shown, int | float) else None
    if age is None or age > settings.SUPPORT_FORM_MAX_AGE_SECONDS:
        raise ValidationError(_EXPIRED, code="expired")
    if age < settings.SUPPORT_FORM_MIN_SECONDS:
        raise ValidationError(_TOO_FAST, code="too_fast")


def consume_allowance(request: HttpRequest, *, action: str, key: str | None = None) -> bool:
    """Count one use of ``action`` (``inquiry`` or ``reply``); False past the limit."""
    usage = ratelimit.consume(
        request,
        app="support",
        action=action,
        config=settings.SUPPORT_RATE_LIMITS,
        key=key.lower() if key else None,
        user=request.user if request.user.is_authenticated else None,
    )
    return bool(usage)
