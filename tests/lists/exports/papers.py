"""In-memory papers for the renderer tests: renderers are pure functions, so most need no database."""

from __future__ import annotations

import datetime
from typing import Any

from papers.lists.exports import ExportEntry
from papers.models import Paper


def paper(pk: int = 1, **fields: Any) -> Paper:
    values: dict[str, Any] = {
        "arxiv_id": "2401.01234",
        "title": "Learning to Rank Papers",
        "authors": ["Ada Lovelace", "Alan Turing"],
        "categories": ["cs.LG", "cs.IR"],
        "published_on": datetime.date(2024, 1, 10),
        "abstract": "We rank papers.",
        "doi": "",
        "url": "",
    }
    values.update(fields)
    return Paper(pk=pk, **values)


def entry(pk: int = 1, *, status: str = "", note: str = "", **fields: Any) -> ExportEntry:
    return ExportEntry(paper(pk, **fields), status=status, note=note)
