"""arXiv metadata as JSON lines: `{arxiv_id, title, summary, authors, categories, listing_date}` a line.

Lines are read as bytes and decoded one at a time, so a bad line (broken JSON, invalid UTF-8) is one
rejection and the rest of the file still imports. `listing_date` is the day of the arXiv listing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from papers.importers.records import Malformed, PaperRecord, ParsedItem
from papers.models import Paper


def looks_like_arxiv_jsonl(first_line: str) -> bool:
    """Whether the first line is one complete JSON object with the fields of an arXiv record."""
    try:
        first = json.loads(first_line)
    except ValueError:
        return False
    return isinstance(first, dict) and "arxiv_id" in first and "title" in first


def parse_arxiv_jsonl(lines: Iterable[bytes]) -> Iterator[ParsedItem]:
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            yield Malformed(number, "line is not valid UTF-8")
            continue
        except json.JSONDecodeError as error:
            yield Malformed(number, f"invalid JSON: {error.msg} (column {error.colno})")
            continue
        if not isinstance(data, dict):
            yield Malformed(number, f"expected a JSON object, found {type(data).__name__}")
            continue
        arxiv_id = data.get("arxiv_id")
        if not arxiv_id:
            yield Malformed(number, "record has no arxiv_id")
            continue
        yield PaperRecord(
            title=data.get("title"),
            source=Paper.Source.ARXIV_JSONL,
            arxiv_id=arxiv_id,
            abstract=data.get("summary", ""),
            authors=data.get("authors", []),
            categories=data.get("categories", []),
            listed_on=data.get("listing_date"),
            line=number,
        )
