"""The shape every importer produces, and the checks a record passes before it may touch the catalogue.

Parsers turn their format into `PaperRecord`s (or `Malformed` markers for input they could not make sense
of); `clean_record` normalizes a record and raises `InvalidRecord` with a readable reason when a value is
unusable. Nothing reaches the database without passing through `clean_record`.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from papers.importers.code_links import find_code_url
from papers.models import ARXIV_ID_RE, Paper

TITLE_MAX_CHARS = 1000
ABSTRACT_MAX_CHARS = 20_000
AUTHOR_NAME_MAX_CHARS = 1000
MAX_AUTHORS = 10_000
# PositiveIntegerField is a 32-bit integer on PostgreSQL; a larger value would fail the whole batch.
MAX_COUNT = 2_147_483_647
# PositiveSmallIntegerField's limit; arXiv versions run to a few dozen.
MAX_VERSION = 32_767
EARLIEST_YEAR = 1900
# An arXiv category ("cs.LG", "q-bio.NC", "hep-th"); sources also list ACM and MSC classes, which are not.
ARXIV_CATEGORY_RE = re.compile(r"^[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?$")
_SOURCES = frozenset(Paper.Source.values)


def _max_length(field_name: str) -> int:
    model_field = Paper._meta.get_field(field_name)
    assert isinstance(model_field, models.CharField) and model_field.max_length is not None
    return model_field.max_length


# Longer values would fail the whole batch in the database; they are rejected one record at a time here.
URL_MAX_CHARS = _max_length("url")
ORGANIZATION_MAX_CHARS = _max_length("organization")
DOI_MAX_CHARS = _max_length("doi")


class FormatError(ValueError):
    """The input as a whole cannot be read (not the format it claims, truncated, binary, empty)."""


class InvalidRecord(ValueError):
    """One record has an unusable value; the message says which and why."""


@dataclass(slots=True)
class PaperRecord:
    """One paper as a source describes it. Dates may be `date`s or ISO strings (`published_on` also
    "2017" or "2017-06" when a source gives no more); `clean_record` decides."""

    title: Any
    source: str
    arxiv_id: Any = ""
    abstract: Any = ""
    authors: Any = field(default_factory=list)
    # For sources that give only "N authors"; ignored when names are known.
    author_count: Any = None
    organization: Any = ""
    categories: Any = field(default_factory=list)
    published_on: Any = None
    listed_on: Any = None
    source_upvotes: Any = 0
    url: Any = ""
    doi: Any = ""
    # The source's own link to the code; when empty, a repository the abstract names.
    code_url: Any = ""
    # The arXiv version the source describes (2 for v2) and the day arXiv posted it.
    arxiv_version: Any = None
    arxiv_updated_on: Any = None
    # Set by `clean_record` from `published_on`: how much of the date the source gave.
    published_precision: str = Paper.DatePrecision.DAY
    # Where in the input the record starts, for rejection messages.
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Malformed:
    """A stretch of input a parser could not turn into a record."""

    line: int | None
    reason: str


ParsedItem = PaperRecord | Malformed


def collapse_whitespace(text: str) -> str:
    """Sources hard-wrap abstracts and titles; one space between words is the stored form."""
    return " ".join(text.split())


def strip_arxiv_version(arxiv_id: str) -> str:
    """`2401.01234v2` and `2401.01234` are one paper; the catalogue keeps the versionless id."""
    head, sep, tail = arxiv_id.rpartition("v")
    return head if sep and tail.isdigit() and head[-1:].isdigit() else arxiv_id


_YEAR_OR_MONTH_RE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2}))?$")


def _parse_date(value: Any, name: str) -> datetime.date | None:
    """A `date`, or an ISO date or timestamp string (`2024-01-22`, `2023-12-24T10:08:59Z`)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        raise InvalidRecord(f"{name} must be a date, not {type(value).__name__}")
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.date.fromisoformat(text)
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        raise InvalidRecord(f"{name} {value!r} is not a date") from None


def _parse_partial_date(value: Any, name: str) -> tuple[datetime.date | None, str]:
    """Like `_parse_date`, but also "2017" and "2017-06", stored as their first day with a precision."""
    match = _YEAR_OR_MONTH_RE.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        return _parse_date(value, name), Paper.DatePrecision.DAY
    month = int(match["month"] or 1)
    if not 1 <= month <= 12:
        raise InvalidRecord(f"{name} {value!r} is not a date")
    precision = Paper.DatePrecision.MONTH if match["month"] else Paper.DatePrecision.YEAR
    return datetime.date(int(match["year"]), month, 1), precision


def clean_record(record: PaperRecord, *, today: datetime.date) -> PaperRecord:
    """A normalized copy of `record`, or `InvalidRecord` naming the first unusable value."""
    if record.source not in _SOURCES:
        raise InvalidRecord(f"unknown source {record.source!r}")
    title = _text(record.title, "title", TITLE_MAX_CHARS)
    if not title:
        raise InvalidRecord("title is empty")
    arxiv_id = _text(record.arxiv_id, "arXiv id", 60)
    if arxiv_id:
        arxiv_id = strip_arxiv_version(arxiv_id.removeprefix("arXiv:"))
        if not ARXIV_ID_RE.match(arxiv_id):
            raise InvalidRecord(f"{record.arxiv_id!r} is not an arXiv id")
    authors = _string_list(record.authors, "authors", AUTHOR_NAME_MAX_CHARS, MAX_AUTHORS)
    author_count = len(authors) if authors else _count(record.author_count, "author count", optional=True)
    published_on, precision = _parse_partial_date(record.published_on, "published date")
    _check_range(published_on, "published date", today)
    listed_on = _date(record.listed_on, "listing date", today)
    url = _text(record.url, "url", URL_MAX_CHARS)
    if url and not url.startswith(("http://", "https://")):
        raise InvalidRecord(f"url {url!r} is not an http(s) address")
    abstract = _text(record.abstract, "abstract", ABSTRACT_MAX_CHARS)
    # A code link is a bonus: a source's link that is not a repository address is left out, not fatal.
    code_url = find_code_url(record.code_url) if isinstance(record.code_url, str) else ""
    code_url = code_url or find_code_url(abstract)
    if len(code_url) > URL_MAX_CHARS:
        code_url = ""
    version = _count(record.arxiv_version, "arXiv version", optional=True)
    if version is not None and not 1 <= version <= MAX_VERSION:
        raise InvalidRecord(f"arXiv version {version} is out of range")
    return dataclasses.replace(
        record,
        title=title,
        arxiv_id=arxiv_id,
        abstract=abstract,
        authors=authors,
        author_count=author_count,
        organization=_text(record.organization, "organization", ORGANIZATION_MAX_CHARS),
        categories=[
            category
            for category in _string_list(record.categories, "categories", None, 100)
            if ARXIV_CATEGORY_RE.match(category)
        ],
        published_on=published_on,
        published_precision=precision,
        listed_on=listed_on,
        source_upvotes=_count(record.source_upvotes, "upvotes", optional=False),
        url=url,
        doi=_text(record.doi, "doi", DOI_MAX_CHARS),
        code_url=code_url,
        arxiv_version=version,
        arxiv_updated_on=_date(record.arxiv_updated_on, "version date", today) if version else None,
    )


def _text(value: Any, name: str, max_chars: int | None) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidRecord(f"{name} must be text, not {type(value).__name__}")
    # PostgreSQL text cannot hold NUL; letting one through would fail the whole batch.
    if "\x00" in value:
        raise InvalidRecord(f"{name} contains a NUL character")
    text = collapse_whitespace(value)
    if max_chars is not None and len(text) > max_chars:
        raise InvalidRecord(f"{name} is {len(text)} characters long (at most {max_chars})")
    return text


def _string_list(value: Any, name: str, max_chars: int | None, max_items: int) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidRecord(f"{name} must be a list, not {type(value).__name__}")
    if len(value) > max_items:
        raise InvalidRecord(f"{name} has {len(value)} entries (at most {max_items})")
    items = []
    for item in value:
        # Inlined rather than calling _text per item: author lists run to a million names a file.
        if not isinstance(item, str):
            raise InvalidRecord(f"an entry of {name} must be text, not {type(item).__name__}")
        if "\x00" in item:
            raise InvalidRecord(f"an entry of {name} contains a NUL character")
        text = " ".join(item.split())
        if max_chars is not None and len(text) > max_chars:
            raise InvalidRecord(f"an entry of {name} is {len(text)} characters long (at most {max_chars})")
        if text:
            items.append(text)
    return items


def _count(value: Any, name: str, *, optional: bool) -> int | None:
    if value is None:
        if optional:
            return None
        raise InvalidRecord(f"{name} is missing")
    # bool is an int subclass; `true` upvotes is a data error, not 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRecord(f"{name} must be a whole number, not {value!r}")
    if not 0 <= value <= MAX_COUNT:
        raise InvalidRecord(f"{name} must be a non-negative whole number, not {value}")
    return value


def _date(value: Any, name: str, today: datetime.date) -> datetime.date | None:
    parsed = _parse_date(value, name)
    _check_range(parsed, name, today)
    return parsed


def _check_range(day: datetime.date | None, name: str, today: datetime.date) -> None:
    if day is None:
        return
    if day.year < EARLIEST_YEAR:
        raise InvalidRecord(f"{name} {day.isoformat()} is out of range")
    # A paper dated after today would head every listing until that day came.
    if day > today:
        raise InvalidRecord(f"{name} {day.isoformat()} is in the future (today is {today.isoformat()})")
