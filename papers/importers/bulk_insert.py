"""Insert many new `Paper` rows fast: COPY on PostgreSQL, bulk_create elsewhere.

For a 2,000-row batch, bulk_create spends more CPU building and escaping one huge INSERT statement than
PostgreSQL spends storing the rows (measured: about 12 s of the 75k-paper import). COPY streams the rows
instead, and still fires the search-vector trigger. The column list comes from the model, so a field
added later is copied too.
"""

from __future__ import annotations

from django.db import connections, router

from papers.models import Paper

# Filled by the database: the id by its identity sequence, the search vector by its trigger.
_DATABASE_FILLED = {"id", "search_vector"}


def insert_papers(papers: list[Paper]) -> None:
    """Insert `papers` (unsaved instances); their primary keys are not read back."""
    if not papers:
        return
    # The connection itself, not the `django.db.connection` proxy: it is used a million times below.
    connection = connections[router.db_for_write(Paper)]
    if connection.vendor != "postgresql":
        Paper.objects.bulk_create(papers)
        return
    quote = connection.ops.quote_name
    copied = [
        (field, column)
        for field in Paper._meta.concrete_fields
        if (column := field.column) and column not in _DATABASE_FILLED
    ]
    fields = [field for field, _column in copied]
    columns = ", ".join(quote(column) for _field, column in copied)
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {quote(Paper._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for paper in papers:
            # pre_save fills auto_now(_add) timestamps; get_db_prep_save adapts JSON like an INSERT would.
            copy.write_row(
                [field.get_db_prep_save(field.pre_save(paper, True), connection) for field in fields]
            )
