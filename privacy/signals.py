"""Signing in while a deletion is pending marks the session frozen (privacy.middleware)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from privacy.documents.versions import remember_acknowledgements
from privacy.rights.freeze import SESSION_FLAG, is_frozen


@receiver(user_logged_in, dispatch_uid="privacy_frozen_sign_in")
def _mark_frozen_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    if is_frozen(user):
        session[SESSION_FLAG] = True
    else:
        session.pop(SESSION_FLAG, None)


@receiver(user_logged_in, dispatch_uid="privacy_acknowledged_versions")
def _remember_acknowledgements(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The versions the person acknowledged, so the banner needs no query for them.
    if request is not None:
        remember_acknowledgements(request, user)
