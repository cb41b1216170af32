"""Per-request database cost with psycopg 3's pool (Django's OPTIONS["pool"]) against
a fresh connection per request (what psycopg2 gives with CONN_MAX_AGE=0).

Each "request" opens the connection, runs one query and closes it, exactly as
Django does around a request. Prints the mean per request for both and the ratio
unpooled / pooled (how many times faster the pool is), measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jobletters .venv/bin/python bench/db_pool.py

Needs PostgreSQL; on another database it says so and exits.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings


def _configure() -> bool:
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        return False
    unpooled = copy.deepcopy(default)
    unpooled["OPTIONS"] = {k: v for k, v in unpooled.get("OPTIONS", {}).items() if k != "pool"}
    settings.DATABASES["unpooled"] = unpooled
    settings.DATABASES["pooled"] = copy.deepcopy(default)
    return True


def _per_request_ms(alias: str, requests: int) -> list[float]:
    from django.db import connections

    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        connection.close()  # end of request: back to the pool, or disconnect
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    if not _configure():
        print("bench/db_pool.py: needs DATABASE_URL=postgres://… (the pool is PostgreSQL-only)")
        return
    import django

    django.setup()
    _per_request_ms("pooled", 20)  # warm up both paths
    _per_request_ms("unpooled", 20)
    pooled = _per_request_ms("pooled", args.requests)
    unpooled = _per_request_ms("unpooled", args.requests)
    p_mean, u_mean = statistics.mean(pooled), statistics.mean(unpooled)
    print(f"requests per variant: {args.requests}")
    print(
        f"fresh connection per request: mean {u_mean:.3f} ms, "
        f"p95 {statistics.quantiles(unpooled, n=20)[-1]:.3f} ms"
    )
    print(
        f"psycopg pool:                 mean {p_mean:.3f} ms, "
        f"p95 {statistics.quantiles(pooled, n=20)[-1]:.3f} ms"
    )
    print(f"ratio (fresh / pooled): {u_mean / p_mean:.1f}x")


if __name__ == "__main__":
    main()
