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
