"""The two-factor keys must be usable (``manage.py check``)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from . import mfa


@register(Tags.security)
def check_mfa_encryption_keys(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        mfa.fernet()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="accounts.E001")]
    return []
