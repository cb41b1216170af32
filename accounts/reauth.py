"""A sign-in a moment ago counts as re-entering the password.

allauth asks for the password again before sensitive steps (turning on two-factor,
showing recovery codes) unless the person *re*-authenticated recently; the sign-in
itself did not count, so staff who had just typed their password were asked for it
again on the way to setting up two-factor. Any authentication of this session within
``ACCOUNT_REAUTHENTICATION_TIMEOUT`` counts: the sign-in, a second factor, or a
re-authentication.
"""

from __future__ import annotations

import time

from allauth.account import app_settings
from allauth.account.internal.flows.login import get_authentication_records
from django.http import HttpRequest


def authenticated_recently(request: HttpRequest | None) -> bool:
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return False
    moments = [record.get("at") or 0 for record in get_authentication_records(request, user)]
    return bool(moments) and time.time() - max(moments) < app_settings.REAUTHENTICATION_TIMEOUT
