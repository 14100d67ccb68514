"""Model instances from a hand-written SELECT, loaded as the ORM would load them.

The ORM costs more than the database on the few queries every page view runs. The feed's page query
spends ~2.5 ms building the queryset and ~3 ms compiling it to SQL, on a 2-core machine, next to ~5 ms
in PostgreSQL. Such a query can be written out once; `ModelColumns` then gives its SELECT list for one
model under a table alias, and turns that slice of each row into an instance: the values go through
the same converters the ORM applies (dates on SQLite, JSON, ...) and into `Model.from_db`, so the
instance is what a queryset would have returned, with the columns left out deferred.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

M = TypeVar("M", bound=models.Model)


class ModelColumns(Generic[M]):
    """The columns of `model` read under table `alias`: all concrete fields, or only `fields` (attnames),
    less `defer`."""

    def __init__(
        self,
        model: type[M],
        alias: str,
        *,
        fields: Collection[str] | None = None,
        defer: Collection[str] = (),
    ) -> None:
        self.model = model
        self.alias = alias
        self.fields = [
            field
            for field in model._meta.concrete_fields
            if (fields is None or field.attname in fields) and field.attname not in defer
        ]
        self.attnames = [field.attname for field in self.fields]

    def __len__(self) -> int:
        return len(self.fields)

    def select(self, connection: BaseDatabaseWrapper) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{quote(self.alias)}.{quote(str(field.column))}" for field in self.fields)

    def table(self, connection: BaseDatabaseWrapper) -> str:
        """The model's table under this alias, for a FROM clause."""
        quote = connection.ops.quote_name
        return f"{quote(self.model._meta.db_table)} {quote(self.alias)}"

    def fetch(self, connection: BaseDatabaseWrapper, sql: str, params: Any) -> list[M]:
        """The instances of the rows `sql` returns, its columns this `select`; on `planned_once_cursor`."""
        load = self.loader(connection)
        with planned_once_cursor(connection) as cursor:
            cursor.execute(sql, params)
            return [load(row) for row in cursor.fetchall()]

    def loader(self, connection: BaseDatabaseWrapper) -> Callable[[Sequence[Any]], M]:
        """Builds an instance from this model's slice of a row."""
        converters = []
        for index, field in enumerate(self.fields):
            column = field.get_col(self.alias)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                converters.append((index, column, found))
        model, attnames, db = self.model, self.attnames, connection.alias

        def load(values: Sequence[Any]) -> M:
            values = list(values)
            for index, column, functions in converters:
                for convert in functions:
                    values[index] = convert(values[index], column, connection)
            return model.from_db(db, attnames, values)

        return load


def planned_once_cursor(connection: BaseDatabaseWrapper) -> CursorWrapper:
    """A cursor whose queries PostgreSQL plans once per connection, not once per execution.

    Django's cursors send the values inside the SQL text (client-side binding), so no two executions
    of a query look alike to PostgreSQL, which parses and plans each anew: ~0.7 ms of the feed query's
    ~1.2 in PostgreSQL. This cursor sends them apart (server-side binding), so psycopg prepares a
    statement once it ran `prepare_threshold` times on a connection (settings.py) and PostgreSQL reuses
    its plan. Under bench.load's feed first views, PostgreSQL's CPU per request fell from ~3.3 to ~2.1
    ms. It is wrapped as Django wraps its own (errors translated). On other databases, and while
    Django logs queries (DEBUG, tests that look at the SQL), it is the usual cursor: Django's log can
    only show the SQL of a query whose values were bound on the client.
    """
    if connection.vendor != "postgresql" or connection.queries_logged:
        return connection.cursor()
    import psycopg

    # What Django's cursor() does before it makes one: a health check once per request, connecting.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(psycopg.Cursor(connection.connection))  # type: ignore[attr-defined]
