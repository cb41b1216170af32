"""Fast inserts for the directory's big writes (a CSV import, the demo, the benchmark).

On PostgreSQL rows go in with ``COPY`` (one round trip, no per-row SQL to build),
and new ids are taken from the table's sequence first; elsewhere (SQLite) with
``executemany``, or ``bulk_create`` for new instances (it sets their ids). All run in
the caller's transaction. Plain ``bulk_create`` spends twice the CPU on the rows of
these inserts (a 100,000-recruiter CSV import: 1.7x in all, the writes being 70% of it),
mostly building model instances: ``bench/directory_import.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import connection, models

T = TypeVar("T")


def chunks(items: Sequence[T], size: int = 900) -> Iterator[Sequence[T]]:
    """Slices of ``items`` small enough for one ``__in`` (under SQLite's parameter limit)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _value(field: models.Field, value: Any) -> Any:
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    return value


def _column_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (values in the order of ``fields``); returns how many."""
    meta = model._meta
    concrete = [_column_field(model, name) for name in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in concrete)
    table = connection.ops.quote_name(meta.db_table)
    count = 0
    with connection.cursor() as cursor:
        if _is_postgres():
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([_value(f, v) for f, v in zip(concrete, row, strict=True)])
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(concrete))
        # Table and column names come from the model's _meta; values go as parameters.
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608  # nosec B608
        batch: list[list[Any]] = []
        for row in rows:
            batch.append([_value(f, v) for f, v in zip(concrete, row, strict=True)])
            if len(batch) >= 5000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def create(
    model: type[models.Model], objects: Sequence[models.Model], fields: Sequence[str]
) -> None:
    """Insert new model instances and set their primary keys."""
    if not objects:
        return
    if not _is_postgres():
        model._default_manager.bulk_create(objects, batch_size=1000)  # sets the new ids
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(objects)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
    insert(model, ["id", *fields], ([o.pk, *(getattr(o, f) for f in fields)] for o in objects))
