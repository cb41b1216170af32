"""A sign-in a moment ago counts as re-entering the password: any authentication of this
session within ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` (allauth only counted re-authentication,
so staff who had just signed in were asked again on the way to setting up two-factor).
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
