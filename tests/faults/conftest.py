"""The fault suite: the app's outside services behind fault proxies (``proxy.py``).

PostgreSQL, Redis, SMTP (aiosmtpd) and S3 (moto's server) each get a proxy that a
scenario refuses, hangs, cuts and restores while the app (the test client, or real
worker processes) goes on working through it. It runs on PostgreSQL and Redis
(``make faults``, which CI runs); each scenario is listed, with what it promises,
in docs/resilience.md (``scenarios.py`` checks the table against the tests).
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import close_old_connections, connections
from django.test import Client

from .proxy import FaultProxy

if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" or not (
    settings.REDIS_URL.startswith("redis://")
):
    raise pytest.UsageError(
        "The fault suite runs on PostgreSQL and Redis: set DATABASE_URL and REDIS_URL "
        "(see `make faults`)."
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fault(fault, sees, work): a scenario of the table in docs/resilience.md"
    )


def _service(url: str) -> tuple[str, int, str]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 6379, parts.path or "/0"


class Browser(Client):
    """A visitor's browser on the app as a WSGI server runs it: answers as the visitor
    sees them (no exception re-raised), and database connections handed back to the
    pool after each request (Django's test client keeps them, which no server does;
    a test inside one transaction keeps its connection, of course)."""

    def __init__(self) -> None:
        super().__init__(raise_request_exception=False)

    def request(self, **request):
        try:
            return super().request(**request)
        finally:
            if not connections["default"].in_atomic_block:
                close_old_connections()


@pytest.fixture
def browser() -> Browser:
    return Browser()


# --- PostgreSQL ----------------------------------------------------------------------------


@pytest.fixture
def postgres_proxy():
    db = connections["default"].settings_dict
    proxy = FaultProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)), name="postgres")
    yield proxy
    proxy.close()


@pytest.fixture
def postgres(postgres_proxy, transactional_db):
    """PostgreSQL behind a proxy, and this process's connections through it.

    The pool waits 2 s for a connection instead of 10, so a scenario takes seconds.
    """
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    connection.close()
    connection.close_pool()
    pool = {**saved["OPTIONS"]["pool"], "timeout": 2}
    connection.settings_dict.update(
        HOST=postgres_proxy.host,
        PORT=postgres_proxy.port,
        OPTIONS={**saved["OPTIONS"], "pool": pool},
    )
    yield postgres_proxy
    postgres_proxy.restore()
    connection.close()
    connection.close_pool()
    connection.settings_dict.update(saved)


def worker_databases(proxy: FaultProxy) -> dict:
    """The ``DATABASES`` of worker processes reaching the test database through ``proxy``
    (their pool, too, waits 2 s for a connection instead of 10)."""
    db = connections["default"].settings_dict
    options = {**db["OPTIONS"], "pool": {**db["OPTIONS"]["pool"], "timeout": 2}}
    return {"default": {**db, "HOST": proxy.host, "PORT": proxy.port, "OPTIONS": options}}


# --- Workers -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _own_broker_keys(worker_id):
    """Parallel test processes share the Redis broker: each one (and the Celery workers it
    starts) keeps to keys of its own, so that no worker takes another test's task."""
    from config.celery import app

    saved = app.conf.broker_transport_options
    app.conf.broker_transport_options = {**saved, "global_keyprefix": f"faults-{worker_id}:"}
    app._after_fork()
    yield app.conf.broker_transport_options
    app.conf.broker_transport_options = saved
    app._after_fork()


@pytest.fixture
def worker(worker_process, _own_broker_keys):
    """Real worker processes (tests/conftest.py) on this test process's broker keys."""
    worker_process.settings["CELERY_BROKER_TRANSPORT_OPTIONS"] = {
        **_own_broker_keys,
        "visibility_timeout": 5,  # as tests/worker_settings.py
    }
    return worker_process


# --- Redis ---------------------------------------------------------------------------------


@pytest.fixture
def redis():
    host, port, _ = _service(settings.REDIS_URL)
    proxy = FaultProxy((host, port), name="redis")
    yield proxy
    proxy.close()


@pytest.fixture
def cache_through(redis, settings):
    """The cache on Redis through the proxy (the resilient backend, as in production)."""
    _, _, db = _service(settings.CACHES["default"].get("LOCATION", settings.REDIS_URL))
    settings.CACHES = {
        "default": {
            "BACKEND": "jobletters.cache.ResilientRedisCache",
            "LOCATION": f"redis://{redis.host}:{redis.port}{db}",
            "KEY_PREFIX": "jl-faults",
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield redis


@pytest.fixture
def broker_through(redis, broker, monkeypatch):
    """Outbox hand-overs really go to the Redis broker, through the proxy."""
    from config.celery import app
    from jobletters import outbox

    _, _, db = _service(app.conf.broker_url)
    saved = app.conf.broker_url
    app.conf.broker_url = f"redis://{redis.host}:{redis.port}{db}"
    app._after_fork()  # drop pooled connections made for the direct address
    monkeypatch.setattr(outbox, "_broker_down_until", 0.0)
    yield redis
    app.conf.broker_url = saved
    app._after_fork()


# --- SMTP ----------------------------------------------------------------------------------


@pytest.fixture
def smtp(smtp_sink, settings):
    """The SMTP sink (tests/conftest.py) behind a proxy; Django sends through it."""
    proxy = FaultProxy((smtp_sink.host, smtp_sink.port), name="smtp")
    proxy.sink = smtp_sink
    settings.EMAIL_PORT = proxy.port
    yield proxy
    proxy.close()


# --- S3 ------------------------------------------------------------------------------------


@pytest.fixture
def s3(moto_s3, settings):
    """Default storage on moto's S3 server behind a proxy, with a read timeout short
    enough that a hung store costs a scenario about a second (production: 5 s)."""
    from urllib.parse import urlsplit

    from botocore.config import Config

    endpoint = urlsplit(moto_s3.endpoint_url)
    proxy = FaultProxy((endpoint.hostname, endpoint.port), name="s3")
    proxy.bucket = moto_s3
    options = settings.STORAGES["default"]["OPTIONS"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {
                **options,
                "endpoint_url": f"http://{proxy.host}:{proxy.port}",
                "client_config": options["client_config"].merge(Config(read_timeout=0.5)),
            },
        },
    }
    yield proxy
    proxy.close()
