"""A Redis cache that degrades instead of failing when Redis does not answer.

Rate limits live in the cache, and Django's Redis backend raises on every call while
Redis is unreachable. This one answers from this process's memory for a short while,
then tries Redis again:

* sign-in keeps working for real people during a Redis outage;
* rate limits still hold, per process rather than across the fleet (so an
  attacker gets at most ``processes x limit`` attempts per window while it
  lasts): bounded, logged, and short-lived, which we prefer to locking every
  person out (failing closed) or adding a database table for counters;
* a call never waits longer than the short socket timeouts configured here.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import redis.exceptions
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_REDIS_AFTER_SECONDS = 10.0
_REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        options.setdefault("retry_on_timeout", False)
        super().__init__(server, {**params, "OPTIONS": options})
        self._fallback = LocMemCache(
            f"resilient-fallback-{id(self)}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 20_000}},
        )
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def degraded(self) -> bool:
        return time.monotonic() < self._down_until

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if not self.degraded:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except _REDIS_DOWN as exc:
                with self._lock:
                    first = not self.degraded
                    self._down_until = time.monotonic() + RETRY_REDIS_AFTER_SECONDS
                if first:
                    logger.warning(
                        "cache: Redis unavailable (%s); using this process's memory for %ds",
                        exc.__class__.__name__,
                        RETRY_REDIS_AFTER_SECONDS,
                    )
        return getattr(self._fallback, name)(*args, **kwargs)

    def clear(self):
        self._fallback.clear()
        return self._call("clear")


def _resilient(name: str) -> Any:
    def method(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> Any:
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    return method


# Every call that reaches Redis, answered from memory while Redis does not.
for _name in ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many",
              "delete_many"):  # fmt: skip
    setattr(ResilientRedisCache, _name, _resilient(_name))
