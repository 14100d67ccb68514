"""Hugging Face Daily Papers as JSON, in the two shapes we meet.

- An object mapping arXiv id to `{url, title, authors, abstract, publication_date, upvotes}`
  (shared/data/hf_daily_papers_753.json). Its one date is the paper's, and since every entry is a Daily
  Papers entry it is also the best listing day we have.
- The list `GET https://huggingface.co/api/daily_papers` returns: items with a nested `paper` (`id`,
  `title`, `summary`, `authors[].name`, `publishedAt`, `upvotes`, and `githubRepo` when the paper has
  code), the listing day in the item's own `publishedAt`, and an optional `organization` object.

The whole document is decoded before any record is produced, so a truncated file is rejected whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from papers.importers.records import FormatError, Malformed, PaperRecord, ParsedItem
from papers.models import Paper

_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\n\r"


def parse_hf_json(text: str) -> list[ParsedItem]:
    """Records for a Daily Papers JSON document (object or API list); `FormatError` if it is not one."""
    members = list(_top_level_members(text))
    if text.lstrip(_WHITESPACE).startswith("{"):
        return [_from_mapping(line, key, value) for line, key, value in members]
    return [_from_api_item(line, value) for line, _key, value in members]


def hf_api_records(items: Any) -> list[ParsedItem]:
    """Records for an already-decoded `/api/daily_papers` response (no line numbers to report)."""
    if not isinstance(items, list):
        raise FormatError("the Daily Papers API did not return a list")
    return [_from_api_item(None, item) for item in items]


def _from_mapping(line: int, key: str | None, entry: Any) -> ParsedItem:
    if not isinstance(entry, dict):
        return Malformed(line, f"entry {key!r} is not an object")
    url = entry.get("url") or ""
    return PaperRecord(
        title=entry.get("title"),
        source=Paper.Source.HF_JSON,
        arxiv_id=key,
        abstract=entry.get("abstract"),
        authors=entry.get("authors"),
        published_on=entry.get("publication_date"),
        listed_on=entry.get("publication_date"),
        source_upvotes=entry.get("upvotes", 0),
        # The arXiv page is derived from the id; `url` is only for papers that live elsewhere.
        url="" if isinstance(url, str) and "arxiv.org/" in url else url,
        line=line,
    )


def _from_api_item(line: int | None, item: Any) -> ParsedItem:
    paper = item.get("paper") if isinstance(item, dict) else None
    if not isinstance(paper, dict):
        return Malformed(line, "item has no 'paper' object")
    authors = paper.get("authors") or []
    if not isinstance(authors, list) or not all(isinstance(author, dict) for author in authors):
        return Malformed(line, "paper authors must be a list of objects with a name")
    return PaperRecord(
        title=paper.get("title") or item.get("title"),
        source=Paper.Source.HF_API,
        arxiv_id=paper.get("id"),
        abstract=paper.get("summary") or item.get("summary") or "",
        authors=[author["name"] for author in authors if author.get("name")],
        organization=_organization_name(item.get("organization") or paper.get("organization")),
        published_on=paper.get("publishedAt"),
        listed_on=item.get("publishedAt"),
        source_upvotes=paper.get("upvotes", 0),
        code_url=paper.get("githubRepo") or item.get("githubRepo") or "",
        line=line,
    )


def _organization_name(organization: Any) -> Any:
    if isinstance(organization, dict):
        return organization.get("fullname") or organization.get("name") or ""
    return organization or ""


def _top_level_members(text: str) -> Iterator[tuple[int, str | None, Any]]:
    """(line, key, value) for each member of the top-level object or array, decoded one at a time.

    `json.loads` would lose where each entry starts; rejection messages need the line.
    """
    position = _skip_whitespace(text, 0)
    if position == len(text) or text[position] not in "{[":
        raise FormatError("expected a JSON object or list")
    closing = "}" if text[position] == "{" else "]"
    line, counted_to = 1, 0
    position = _skip_whitespace(text, position + 1)
    if text.startswith(closing, position):
        _expect_end(text, position + 1)
        return
    while True:
        line += text.count("\n", counted_to, position)
        counted_to = position
        key = None
        if closing == "}":
            key, position = _decode(text, position)
            if not isinstance(key, str):
                raise _error("expected a quoted key", text, position)
            position = _skip_whitespace(text, position)
            if not text.startswith(":", position):
                raise _error("expected ':'", text, position)
            position = _skip_whitespace(text, position + 1)
        value, position = _decode(text, position)
        yield line, key, value
        position = _skip_whitespace(text, position)
        if text.startswith(",", position):
            position = _skip_whitespace(text, position + 1)
        elif text.startswith(closing, position):
            _expect_end(text, position + 1)
            return
        else:
            raise _error(f"expected ',' or '{closing}'", text, position)


def _decode(text: str, position: int) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, position)
    except json.JSONDecodeError as error:
        # A string left open runs to the end of the text: the file was cut short there.
        at_end = error.msg.startswith("Unterminated string")
        raise _error(error.msg, text, len(text) if at_end else error.pos) from None


def _skip_whitespace(text: str, position: int) -> int:
    while position < len(text) and text[position] in _WHITESPACE:
        position += 1
    return position


def _expect_end(text: str, position: int) -> None:
    position = _skip_whitespace(text, position)
    if position != len(text):
        raise _error("unexpected data after the JSON document", text, position)


def _error(message: str, text: str, position: int) -> FormatError:
    if position >= len(text):
        return FormatError(f"invalid JSON: the document ends early (truncated?): {message}")
    line = text.count("\n", 0, position) + 1
    return FormatError(f"invalid JSON at line {line}: {message}")
