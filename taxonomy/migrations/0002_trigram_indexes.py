"""Trigram search on PostgreSQL: the pg_trgm extension and GIN indexes on the
short normalised names, which serve =, LIKE 'x%', LIKE '% x%', and the
similarity operators (%, <%) used by autocomplete. Other databases (SQLite in
development and tests) skip this migration's work and search with LIKE.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

TABLES = ("taxonomy_occupation", "taxonomy_occupationtitle", "taxonomy_place")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_normalised_trgm "
            f"ON {table} USING gin (normalised gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_normalised_trgm")


class KeepTrigramExtension(TrigramExtension):
    """CREATE EXTENSION pg_trgm on PostgreSQL only. Unapplying keeps the extension:
    other apps may use it, and Django's own backwards step would also run
    PostgreSQL-only SQL on SQLite."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_initial")]

    operations = [
        # CreateExtension itself does nothing on non-PostgreSQL connections.
        KeepTrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
