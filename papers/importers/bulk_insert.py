"""Insert many new `Paper` rows with COPY (see papers.bulk_insert); the trigger fills search_vector."""

from __future__ import annotations

from papers.bulk_insert import insert_rows
from papers.models import Paper

# Filled by the database: the id by its identity sequence, the search vector by its trigger.
_DATABASE_FILLED = frozenset({"id", "search_vector"})


def insert_papers(papers: list[Paper]) -> None:
    """Insert `papers` (unsaved instances); their primary keys are not read back."""
    insert_rows(Paper, papers, database_filled=_DATABASE_FILLED)
