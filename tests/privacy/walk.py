"""Look everywhere for a person: every row of every model, sessions, the admin log, the cache."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import models


def rows_referring_to(user_id: int, words: list[str]) -> list[str]:
    """Every row that points at the person, or holds one of ``words`` (their email, name…)."""
    user_model = get_user_model()
    found = []
    for model in apps.get_models():
        manager = model._default_manager
        for f in model._meta.concrete_fields:
            points = f.is_relation and f.related_model is user_model
            if points and manager.filter(**{f.attname: user_id}).exists():
                found.append(f"{model._meta.label}.{f.name}")
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and not f.is_relation
        ]
        for name in text_fields:
            for word in words:
                lookup = "icontains"
                field = model._meta.get_field(name)
                if isinstance(field, models.JSONField):
                    rows = [str(v) for v in manager.values_list(name, flat=True)]
                    if any(word.lower() in row.lower() for row in rows):
                        found.append(f"{model._meta.label}.{name} contains {word!r}")
                elif manager.filter(**{f"{name}__{lookup}": word}).exists():
                    found.append(f"{model._meta.label}.{name} contains {word!r}")
    if user_model._default_manager.filter(pk=user_id).exists():
        found.append("the account itself")
    for session in Session.objects.all():
        if session.get_decoded().get("_auth_user_id") == str(user_id):
            found.append("a session signed in as them")
    user_type = ContentType.objects.get_for_model(user_model)
    if LogEntry.objects.filter(content_type=user_type, object_id=str(user_id)).exists():
        found.append("admin log entries about them")
    return found


def cache_entries() -> dict[str, object]:
    """Every entry of the cache, read back: process memory (embedded) or Redis (CI)."""
    import pickle

    import redis

    cache = caches["default"]
    if isinstance(cache, LocMemCache):
        return {key: pickle.loads(value) for key, value in cache._cache.items()}  # noqa: S301
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    # Keys are stored as "prefix:version:key"; read each back through the cache.
    keys = [raw.decode().split(":", 2)[2] for raw in client.scan_iter()]
    return {key: cache.get(key) for key in keys}
