"""Test databases: migrated once per run, copied for each xdist worker; on Redis, each
worker its own Redis databases.

`migrate` loads the taxonomy (34,000 GeoNames places, 4,500 occupation titles: see
taxonomy/loading.py), about 10 s on SQLite and 30 s on PostgreSQL, and each worker needs
a database of its own. The first worker that needs one migrates a template under a lock;
each worker's database is then a copy of it (the file on SQLite, CREATE DATABASE …
TEMPLATE on PostgreSQL, Django's TEST["TEMPLATE"]), where `migrate` finds nothing to do.

A transactional test empties every table when it ends, with Django's `flush`: the
taxonomy would have to be loaded again (seconds per test), and the other rows `migrate`
wrote (content types, permissions, the privacy notice's first versions) would be missing
for the tests after it. The flush leaves those tables instead; the template keeps a copy
of them (tables of no model, which no flush empties) and after each flush they are
compared with it and put back where a test changed them. Every test starts with the
database as `migrate` left it, so tests can run in any order: the long ones first.

On Redis (CI), `cache.clear()` empties a whole Redis database and the broker fixture
purges every queue, so workers sharing one would wipe each other's rate limits, kept
pages and tasks: each worker (and the processes it starts) gets the next ones along.

Mutation testing (`make mutation`) starts a pytest session per mutant: with
TEST_DATABASE_TEMPLATE_DIR set, the template is made once in that folder and kept after the
session, so each later session copies it instead of migrating again (on SQLite, into a file
of its own in that folder).
"""

from __future__ import annotations

import fcntl
import functools
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

TEMPLATE_NAME_FILE = "test-database-template"


def _kept(table: str) -> str:
    return f"{table}_as_migrated"


def _filled_by_migrate(connection) -> list[str]:
    """The tables of models that `migrate` wrote rows to (run on a fresh copy)."""
    quote = connection.ops.quote_name
    names = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        filled = []
        for table in names:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(table)})")  # noqa: S608
            if cursor.fetchone()[0]:
                filled.append(table)
    return filled


def _django_table_names(original, kept: list[str]):
    """What `flush` empties: every model's table but those `migrate` filled."""

    def django_table_names(self, *args, **kwargs):
        return [table for table in original(self, *args, **kwargs) if table not in kept]

    return django_table_names


def _as_migrated(tables: list[str], using: str, **kwargs) -> None:
    """After a flush (which sends post_migrate): put back the tables a test changed."""
    from django.db import connections, transaction

    connection = connections[using]
    quote = connection.ops.quote_name
    with transaction.atomic(using), connection.cursor() as cursor:
        changed = []
        for table, kept in [(quote(table), quote(_kept(table))) for table in tables]:
            cursor.execute(
                f"SELECT EXISTS (SELECT * FROM {table} EXCEPT SELECT * FROM {kept})"  # noqa: S608
                f" OR EXISTS (SELECT * FROM {kept} EXCEPT SELECT * FROM {table})"
            )
            if cursor.fetchone()[0]:
                changed.append((table, kept))
        # Foreign keys are checked at commit (Django makes them deferrable): any order.
        for table, kept in changed:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
            cursor.execute(f"INSERT INTO {table} SELECT * FROM {kept}")  # noqa: S608


def _template(connection, shared) -> str:
    """This run's migrated database (a file on SQLite), made by the first worker to ask."""
    made = shared / TEMPLATE_NAME_FILE
    if made.exists():
        return made.read_text()
    settings, test = connection.settings_dict, connection.settings_dict["TEST"]
    saved = settings["NAME"], test["NAME"]
    test["NAME"] = (
        str(shared / "template.sqlite3")
        if connection.vendor == "sqlite"
        else f"test_{settings['NAME']}_template"
    )
    try:
        name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table in _filled_by_migrate(connection):
                target, source = quote(_kept(table)), quote(table)
                cursor.execute(f"CREATE TABLE {target} AS SELECT * FROM {source}")  # noqa: S608
        # CREATE DATABASE … TEMPLATE needs every connection to it closed, pooled ones too.
        connection.close()
        if connection.vendor == "postgresql":
            connection.close_pool()
    finally:
        settings["NAME"], test["NAME"] = saved
    made.write_text(name)
    return name


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_modify_db_settings,
    django_db_blocker,
    tmp_path_factory,
):
    """Replaces pytest-django's: this worker's test database, a copy of the template,
    whose migrated rows a flush leaves (or puts back)."""
    from django.apps import apps
    from django.db import connection
    from django.db.backends.base.introspection import BaseDatabaseIntrospection
    from django.db.models.signals import post_migrate

    # Workers' temporary folders are inside the controller's, which they share.
    worker = hasattr(request.config, "workerinput")
    shared = tmp_path_factory.getbasetemp().parent if worker else tmp_path_factory.getbasetemp()
    if kept_template := os.environ.get("TEST_DATABASE_TEMPLATE_DIR"):
        shared = Path(kept_template)
        shared.mkdir(parents=True, exist_ok=True)
    old_name = connection.settings_dict["NAME"]
    sqlite = connection.vendor == "sqlite"
    if kept_template and sqlite:
        # Sessions forked from one process (mutants checked side by side) share the name
        # the settings made from its process id: each its own file.
        connection.settings_dict["TEST"]["NAME"] = str(shared / f"test-{os.getpid()}.sqlite3")
    with django_db_blocker.unblock():
        with (shared / "test-database.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
            template = _template(connection, shared)
        if sqlite:
            shutil.copyfile(template, connection.settings_dict["TEST"]["NAME"])
        else:
            connection.settings_dict["TEST"]["TEMPLATE"] = template
        # keepdb on SQLite: the copy is the database to use, not one to replace.
        connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False, keepdb=sqlite
        )
        kept = _filled_by_migrate(connection)
    names = _django_table_names(BaseDatabaseIntrospection.django_table_names, kept)
    as_migrated = functools.partial(_as_migrated, kept)
    sender = apps.get_app_config("taxonomy")  # post_migrate is sent once per app: run once
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseDatabaseIntrospection, "django_table_names", names)
        post_migrate.connect(as_migrated, sender=sender, weak=False)
        yield
        post_migrate.disconnect(as_migrated, sender=sender)
    with django_db_blocker.unblock():
        if not sqlite:
            # A thread that ended with a connection out of the pool (a worker in a thread,
            # say) leaves its session open, and DROP DATABASE refuses: end those sessions.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        connection.creation.destroy_test_db(old_name, verbosity=0)


@pytest.fixture(scope="session")
def migrated_sqlite(django_db_setup, tmp_path_factory, request) -> Path | None:
    """On SQLite, this run's migrated template (a file a process outside the suite may copy
    instead of migrating again); None on PostgreSQL."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return None
    worker = hasattr(request.config, "workerinput")
    base = tmp_path_factory.getbasetemp()
    shared = Path(os.environ.get("TEST_DATABASE_TEMPLATE_DIR") or (base.parent if worker else base))
    return Path((shared / TEMPLATE_NAME_FILE).read_text())


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's, started after this worker's database, so that it stops (and its
    threads' connections close) before the database is dropped."""
    return live_server


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    """The controller (or the only process) keeps the tests' times and drops the template
    once every worker is done."""
    cache = getattr(session.config, "cache", None)
    if cache is not None and _measured and not hasattr(session.config, "workerinput"):
        cache.set(DURATIONS, {**cache.get(DURATIONS, {}), **_measured})
    if hasattr(session.config, "workerinput") or os.environ.get("TEST_DATABASE_TEMPLATE_DIR"):
        return
    made = session.config._tmp_path_factory.getbasetemp() / TEMPLATE_NAME_FILE
    if not made.exists():
        return
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    with session.config.stash[blocking_manager_key].unblock():
        old_name = connection.settings_dict["NAME"]
        connection.settings_dict["NAME"] = made.read_text()
        connection.creation.destroy_test_db(old_name, verbosity=0)
    made.unlink()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config, specs):
    """gw0 gets Redis databases 2 and 3 when the run's are 0 and 1 (.ci/run), gw1 4 and 5…"""
    for number, spec in enumerate(specs, start=1):
        for name in ("REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL"):
            url = urlsplit(os.environ.get(name, ""))
            if url.scheme in ("redis", "rediss"):
                database = int(url.path.strip("/") or 0) + 2 * number
                spec.env[name] = url._replace(path=f"/{database}").geturl()


# How long each test took when it last ran (pytest's cache, .pytest_cache/): the next run
# starts the longest first. A fresh checkout has no record: LONGEST and the kinds decide.
DURATIONS = "jobletters/durations"
_measured: dict[str, float] = {}


def pytest_runtest_logreport(report):
    """Setup, call and teardown of each test (the controller hears every worker's)."""
    _measured[report.nodeid] = _measured.get(report.nodeid, 0.0) + report.duration


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The order that keeps both cores busy: one long test with a database first (the
    worker that takes it migrates the template meanwhile), then the tests without a
    database (the other workers run them while they would wait for the template), then
    the longest, so that a parallel run does not end on one: by the last run's times
    where known, else the files in LONGEST, then transactional tests (browsers, worker
    processes), then the rest. (Left to itself, pytest-django puts transactional tests
    after the others, and those without a database last.)"""
    items.sort(key=_order)
    cache = getattr(config, "cache", None)
    if known := (cache.get(DURATIONS, {}) if cache else {}):
        guess = {1: 10.0}  # a test not timed yet: a LONGEST one counts as long
        items.sort(
            key=lambda item: (
                _uses_database(item),
                -known.get(item.nodeid, guess.get(_order(item), 0.0)),
            )
        )
    first = next((item for item in items if _uses_database(item)), None)
    if first is not None:
        items.remove(first)
        items.insert(0, first)


# Test files whose tests take ten seconds or more each (`pytest --durations=30` shows them).
LONGEST = (
    "tests/browser/test_every_page_fits.py",
    "tests/browser/test_whole_life.py",
    "tests/browser/test_keyboard_journey.py",
    "tests/core/test_make_run.py",
    "tests/communications/test_announcements_worker.py",
    "tests/security/test_properties.py",
    "tests/security/test_access_matrix.py",
    "tests/taxonomy/test_loading.py",
    "tests/core/test_worker_process.py",
    "tests/recruiters/test_worker.py",
)


def _uses_database(item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(item.get_closest_marker("django_db")) or bool(
        fixtures & {"_django_db_helper", "transactional_db", "live_server", "migrated_sqlite"}
    )


def _order(item) -> int:
    from pytest_django.fixtures import validate_django_db

    if item.nodeid.startswith(LONGEST):
        return 1
    if not _uses_database(item):
        return 0
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    transaction, reset_sequences, *_ = validate_django_db(marker) if marker else (False, False)
    if transaction or reset_sequences or fixtures & {"transactional_db", "live_server"}:
        return 2
    return 3
