"""ORM queries that run on every page view, built and compiled once per connection.

Building a queryset with annotations and subqueries and compiling it to SQL costs
far more CPU than running it: profiling the dashboard showed about 4-5 ms per
panel query in Django's query building and compiler against 0.2 ms in the
database. A :class:`PreparedQuery` keeps the query written with the ORM (so rules
such as ``CV.objects.ready()`` stay in one place), compiles it the first time a
connection runs it, and afterwards only swaps the parameter values in.

The query is built with placeholder values (one per parameter, of the right type,
that no real row has); each must appear exactly once among the compiled SQL's
parameters, or compiling fails loudly. Rows come back as tuples (use
``values_list``), converted exactly as Django converts them (booleans on SQLite,
JSON, dates).

Only for queries whose SQL depends on nothing but the placeholders: any other value
read while the query is built (``timezone.now()``, a setting, the active language)
would be frozen into the compiled copy. Used where the ORM's building cost is most
of a page's own cost: the dashboard's panels and the balance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    positions: dict[str, int]
    compiler: SQLCompiler
    converters: dict[int, Any]


class PreparedQuery:
    def __init__(
        self, build: Callable[..., QuerySet[Any]], *, using: str = "default", **placeholders: Any
    ) -> None:
        self._build = build
        self._using = using
        self._placeholders = placeholders
        # Connections are per thread: each compiles its own copy, once.
        self._compiled: WeakKeyDictionary[BaseDatabaseWrapper, _Compiled] = WeakKeyDictionary()

    def rows(self, **values: Any) -> list[tuple[Any, ...]]:
        if values.keys() != self._placeholders.keys():
            raise TypeError(f"Give exactly these values: {sorted(self._placeholders)}")
        connection = connections[self._using]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(connection)
        params = list(compiled.params)
        for name, index in compiled.positions.items():
            params[index] = values[name]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
        return [tuple(row) for row in rows]

    def first(self, **values: Any) -> tuple[Any, ...] | None:
        rows = self.rows(**values)
        return rows[0] if rows else None

    def _compile(self, connection: BaseDatabaseWrapper) -> _Compiled:
        queryset = self._build(**self._placeholders)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        positions = {}
        for name, placeholder in self._placeholders.items():
            found = [
                i for i, p in enumerate(params) if type(p) is type(placeholder) and p == placeholder
            ]
            if len(found) != 1:
                raise ImproperlyConfigured(
                    f"Placeholder {name}={placeholder!r} appears {len(found)} times in the "
                    "compiled query's parameters; it must appear exactly once."
                )
            positions[name] = found[0]
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        return _Compiled(
            sql=sql,
            params=tuple(params),
            positions=positions,
            compiler=compiler,
            converters=compiler.get_converters(fields),
        )
