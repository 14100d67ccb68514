"""Insert many new rows fast: COPY on PostgreSQL, bulk_create elsewhere.

For large batches bulk_create spends more CPU building and escaping one huge INSERT than PostgreSQL spends
storing the rows (measured: about 12 s of the 75k-paper import); COPY streams them and still fires
triggers. The column list comes from the model, so a field added later is copied too. Used by the paper
importers and by the nightly run's millions of recommendation rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.db import connections, models, router


def insert_rows(
    model: type[models.Model],
    rows: Sequence[models.Model],
    *,
    database_filled: frozenset[str] = frozenset({"id"}),
) -> None:
    """Insert unsaved instances of `model`; their primary keys are not read back.

    `database_filled` names the columns the database fills itself (the identity, trigger-kept columns).
    """
    if not rows:
        return
    # The connection itself, not the `django.db.connection` proxy: it is used a million times below.
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(rows, batch_size=2000)
        return
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if f.column and f.column not in database_filled]
    columns = ", ".join(quote(str(f.column)) for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            # pre_save fills auto_now(_add) timestamps; get_db_prep_save adapts JSON like an INSERT would.
            copy.write_row([f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields])


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert plain tuples of `columns` (attribute names, e.g. "user_id"); returns how many.

    For the nightly run's millions of rows: no model instance per row, and the COPY text is formatted
    here in blocks (psycopg's per-row adaptation cost more than PostgreSQL's work on these rows).
    """
    connection = connections[router.db_for_write(model)]
    fields = [cast(models.Field, model._meta.get_field(name.removesuffix("_id"))) for name in columns]
    if connection.vendor != "postgresql":
        instances = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(instances, batch_size=2000)
        return len(instances)
    quote = connection.ops.quote_name
    as_json = [isinstance(f, models.JSONField) for f in fields]
    names = ", ".join(quote(str(f.column)) for f in fields)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN") as copy,
    ):
        lines = []
        for row in rows:
            lines.append("\t".join(map(_copy_text, row, as_json)))
            if len(lines) == 10_000:
                copy.write("\n".join(lines) + "\n")
                count += len(lines)
                lines = []
        if lines:
            copy.write("\n".join(lines) + "\n")
            count += len(lines)
    return count


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any, is_json: bool) -> str:
    """One value in COPY's text format."""
    if is_json:
        value = json.dumps(value)
    elif value is None:
        return "\\N"
    elif not isinstance(value, str):
        return str(value)  # ints, and floats (repr: round-trips exactly)
    return value.translate(_COPY_ESCAPES)
