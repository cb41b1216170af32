"""Every sign-in is recorded (§2.7) for the person's security page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from .services import record_sign_in


@receiver(user_logged_in, dispatch_uid="usage.record_sign_in")
def _record_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None:
        record_sign_in(request=request, user=user)
