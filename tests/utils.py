"""Small helpers for tests."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Poll until predicate() is true (work done by another thread or process)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def run_outbox() -> int:
    """Run the deferred work that is due, as a worker would (emails, checks…)."""
    from jobletters import outbox

    return outbox.run_due()


def remains_of(user_id: int) -> list[str]:
    """Every row anywhere that still refers to the person (empty when forgotten)."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    found = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            points = f.is_relation and f.related_model is user_model
            if points and model._default_manager.filter(**{f.attname: user_id}).exists():
                found.append(f"{model._meta.label}.{f.name}")
    if user_model._default_manager.filter(pk=user_id).exists():
        found.append(user_model._meta.label)
    return found
