"""Test databases: migrated once per run, copied for each xdist worker; on Redis, each
worker its own Redis databases.

`migrate` loads the taxonomy (34,000 GeoNames places, 4,500 occupation titles: see
taxonomy/loading.py), about 10 s on SQLite and 30 s on PostgreSQL, and each worker needs
a database of its own. The first worker that needs one migrates a template under a lock;
each worker's database is then a copy of it (the file on SQLite, CREATE DATABASE …
TEMPLATE on PostgreSQL, Django's TEST["TEMPLATE"]), where `migrate` finds nothing to do.

A transactional test empties every table when it ends, with Django's `flush`: loading
the taxonomy again afterwards would take seconds per test. The flush leaves the
taxonomy's tables instead; the template keeps a copy of them (tables of no model, which
no flush empties) and after each flush the taxonomy is compared with it and put back in
the rare case a test changed it, so every test still starts with it as `migrate` loaded it.

On Redis (CI), `cache.clear()` empties a whole Redis database and the broker fixture
purges every queue, so workers sharing one would wipe each other's rate limits, kept
pages and tasks: each worker (and the processes it starts) gets the next ones along.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from urllib.parse import urlsplit

import pytest

TEMPLATE_NAME_FILE = "test-database-template"


def _taxonomy_tables() -> list[str]:
    from taxonomy.models import Occupation, OccupationTitle, Place

    # Referenced tables first: the copies are inserted in this order.
    return [model._meta.db_table for model in (Occupation, OccupationTitle, Place)]


def _kept(table: str) -> str:
    return f"{table}_as_migrated"


def _django_table_names(original):
    """What `flush` empties: every model's table but the taxonomy's."""

    def django_table_names(self, *args, **kwargs):
        kept = _taxonomy_tables()
        return [table for table in original(self, *args, **kwargs) if table not in kept]

    return django_table_names


def _taxonomy_as_migrated(using: str, **kwargs) -> None:
    """After a flush (which sends post_migrate): put the taxonomy back if a test changed it."""
    from django.db import connections, transaction

    connection = connections[using]
    quote = connection.ops.quote_name
    tables = [(quote(table), quote(_kept(table))) for table in _taxonomy_tables()]
    with transaction.atomic(using), connection.cursor() as cursor:
        for table, kept in tables:
            cursor.execute(
                f"SELECT EXISTS (SELECT * FROM {table} EXCEPT SELECT * FROM {kept})"  # noqa: S608
                f" OR EXISTS (SELECT * FROM {kept} EXCEPT SELECT * FROM {table})"
            )
            if cursor.fetchone()[0]:
                break
        else:
            return
        for table, _ in reversed(tables):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        for table, kept in tables:
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
            for table in _taxonomy_tables():
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
    whose taxonomy a flush leaves (or puts back)."""
    from django.apps import apps
    from django.db import connection
    from django.db.backends.base.introspection import BaseDatabaseIntrospection
    from django.db.models.signals import post_migrate

    # Workers' temporary folders are inside the controller's, which they share.
    worker = hasattr(request.config, "workerinput")
    shared = tmp_path_factory.getbasetemp().parent if worker else tmp_path_factory.getbasetemp()
    old_name = connection.settings_dict["NAME"]
    sqlite = connection.vendor == "sqlite"
    with django_db_blocker.unblock():
        with (shared / "test-database.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
            template = _template(connection, shared)
        if sqlite:
            shutil.copyfile(template, connection.settings_dict["TEST"]["NAME"])
        else:
            connection.settings_dict["TEST"]["TEMPLATE"] = template
        # keepdb on SQLite: the copy is the database to use, not one to replace.
        connection.creation.create_test_db(verbosity=0, serialize=False, keepdb=sqlite)
    taxonomy = apps.get_app_config("taxonomy")
    with pytest.MonkeyPatch.context() as patch:
        names = BaseDatabaseIntrospection.django_table_names
        patch.setattr(BaseDatabaseIntrospection, "django_table_names", _django_table_names(names))
        post_migrate.connect(_taxonomy_as_migrated, sender=taxonomy)
        yield
        post_migrate.disconnect(_taxonomy_as_migrated, sender=taxonomy)
    with django_db_blocker.unblock():
        connection.creation.destroy_test_db(old_name, verbosity=0)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    """The controller (or the only process) drops the template once every worker is done."""
    if hasattr(session.config, "workerinput"):
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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests without a database first: pytest-django puts them last, where a long one
    (make run's processes, the sandbox's limits) would end a parallel run alone. Those
    with one keep pytest-django's order (transactional ones, which empty the tables,
    after the others)."""
    without = [item for item in items if not _uses_database(item)]
    items[:] = without + [item for item in items if _uses_database(item)]


def _uses_database(item) -> bool:
    return bool(item.get_closest_marker("django_db")) or "_django_db_helper" in getattr(
        item, "fixturenames", ()
    )
