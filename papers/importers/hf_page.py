"""Text captures of Hugging Face "Daily Papers" pages (the files in shared/seeds).

After the page chrome and the page's own date ("Jul 29") each entry is:

    <title>
    <abstract, one line>
      • <N> authors            optional
    <organization>             optional; it always precedes the "·" line
    ·                          optional
    <Mon D[, YYYY]> [upvotes]  optional; no year means the page's own year

Blank lines carry no meaning (one capture has none), so the parser works on non-blank lines and tells
them apart by shape. Dates without a year take the page's year, which only the page's own dates can tell:
a page shows the year of every date outside its own year, and lists papers published before it, so it is
from a year after the latest explicit year. That earliest possible year is taken, unless it would put the
page after the reference date (`today`). A page without explicit years does not say its year: its page
date and its year-less dates are unknown, and its papers get no listing day (they stay searchable, and
keep any date another source gives them). So does a capture without a page date.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass

from papers.importers.records import ORGANIZATION_MAX_CHARS, Malformed, PaperRecord, ParsedItem
from papers.models import Paper

CHROME_LINES = frozenset(
    {
        "new",
        "Get trending papers in your email inbox!",
        "Get trending papers in your email inbox once a day!",
        "Subscribe",
        "Daily Papers",
        "byAK and the research community",
    }
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DATE_LINE_RE = re.compile(
    rf"^(?P<month>{'|'.join(MONTHS)}) (?P<day>\d{{1,2}})(?:, (?P<year>\d{{4}}))?(?: (?P<upvotes>\d+))?$"
)
AUTHORS_LINE_RE = re.compile(r"^•\s*(?P<count>\d+) authors?$")
SEPARATOR = "·"
# Chrome that can lose its line break and run into the first title, longest first.
GLUED_CHROME = sorted(CHROME_LINES - {"new"}, key=len, reverse=True)
# Titles on these pages are under 150 characters and abstracts over 500; a "title" this long is really
# an abstract, and a short "abstract" followed by a line this long is really the next title.
LONGEST_TITLE_LINE = 300


@dataclass(frozen=True, slots=True)
class _PageDate:
    month: int
    day: int
    year: int | None
    upvotes: int | None


@dataclass(slots=True)
class _Entry:
    line: int
    title: str
    abstract: str
    author_count: int | None
    organization: str
    date: _PageDate | None
    date_text: str


def looks_like_hf_page(head: str) -> bool:
    """Whether the start of a text file has the chrome or entry shapes of a Daily Papers capture."""
    for raw in head.split("\n")[:200]:
        line = raw.strip()
        if line in CHROME_LINES or line.startswith(("Get trending papers", "Subscribe")):
            return True
        if AUTHORS_LINE_RE.match(line):
            return True
    return False


def parse_hf_page(text: str, *, today: datetime.date) -> Iterator[ParsedItem]:
    """Records for the page's entries; `today` is the reference date for dates without a year."""
    # str.splitlines() would also split on U+2028 and friends, which occur inside abstracts.
    lines = [(number, raw.strip()) for number, raw in enumerate(text.split("\n"), start=1)]
    lines = [(number, line) for number, line in lines if line and line not in CHROME_LINES]
    page_date, page_date_line, start = _read_header(lines)
    entries: list[_Entry] = []
    for item in _read_entries(lines, start):
        if isinstance(item, Malformed):
            yield item
        else:
            entries.append(item)
    explicit_years = [entry.date.year for entry in entries if entry.date and entry.date.year]
    page_month_day = (page_date.month, page_date.day) if page_date else None
    page_year = resolve_page_year(page_month_day, explicit_years, today)
    # Without a page date, or without its year, the papers were listed on a day nobody can tell: they
    # get no listing day rather than the day of the import.
    listed_on: datetime.date | None = None
    if page_date is not None and page_year is not None:
        listed_on = _date_in_year(page_date, page_year)
        if listed_on is None:
            yield Malformed(page_date_line, f"the page date is not a date in {page_year}")
    for entry in entries:
        yield _record(entry, page_year, listed_on)


def resolve_page_year(
    page_month_day: tuple[int, int] | None, explicit_years: list[int], today: datetime.date
) -> int | None:
    """The year of a page dated `page_month_day` that shows `explicit_years`, as of `today`; None when
    the page does not tell (no explicit years) or its dates contradict `today`."""
    if not explicit_years:
        return None
    year = max(explicit_years) + 1
    if year > today.year:
        return None
    if page_month_day is not None:
        month, day = page_month_day
        try:
            if datetime.date(year, month, day) > today:
                return None
        except ValueError:
            return year  # Feb 29 in a common year: reported by the caller as a malformed page date.
    return year


def _read_header(lines: list[tuple[int, str]]) -> tuple[_PageDate | None, int | None, int]:
    """The page's own date, its line, and the index of the first entry; unglues chrome from a title."""
    page_date, page_date_line = None, None
    for index, (number, line) in enumerate(lines):
        date = _parse_date_line(line)
        if date is not None and date.year is None and date.upvotes is None:
            if page_date is None:
                page_date, page_date_line = date, number
            continue
        lines[index] = (number, _unglue_chrome(line))
        return page_date, page_date_line, index
    return page_date, page_date_line, len(lines)


def _unglue_chrome(line: str) -> str:
    """`SubscribeLILO: ...` -> `LILO: ...`: a capture can lose the break after the last chrome line."""
    for chrome in GLUED_CHROME:
        rest = line.removeprefix(chrome)
        # Glued text starts right after the chrome with a capital or digit ("Subscribers ..." is a title).
        if rest != line and (rest[:1].isupper() or rest[:1].isdigit()):
            return rest
    return line


def _read_entries(lines: list[tuple[int, str]], start: int) -> Iterator[_Entry | Malformed]:
    index = start
    end = len(lines)

    def is_text(at: int) -> bool:
        return at < end and _kind(lines[at][1]) == "text"

    def is_organization(at: int) -> bool:
        return (
            is_text(at)
            and len(lines[at][1]) <= ORGANIZATION_MAX_CHARS
            and at + 1 < end
            and lines[at + 1][1] == SEPARATOR
        )

    def skip_metadata(at: int) -> int:
        while at < end and (not is_text(at) or is_organization(at)):
            at += 1
        return at

    while index < end:
        number, title = lines[index]
        kind = _kind(title)
        if kind != "text":
            yield Malformed(number, f"expected a paper title, found the {kind} line {title!r}")
            index += 1
            continue
        if len(title) > LONGEST_TITLE_LINE:
            yield Malformed(number, f"expected a paper title, found a {len(title)}-character line")
            index = skip_metadata(index + 1)
            continue
        index += 1
        next_is_title = (
            is_text(index)
            and len(lines[index][1]) <= LONGEST_TITLE_LINE
            and is_text(index + 1)
            and len(lines[index + 1][1]) > LONGEST_TITLE_LINE
        )
        if not is_text(index) or is_organization(index) or next_is_title:
            yield Malformed(number, f"paper {title!r} has no abstract")
            index = skip_metadata(index)
            continue
        abstract = lines[index][1]
        index += 1
        author_count = None
        if index < end and (match := AUTHORS_LINE_RE.match(lines[index][1])):
            author_count = int(match["count"])
            index += 1
        organization = ""
        if is_organization(index):
            organization = lines[index][1]
            index += 1
        if index < end and lines[index][1] == SEPARATOR:
            index += 1
        date, date_text = None, ""
        if index < end and (date := _parse_date_line(lines[index][1])) is not None:
            date_text = lines[index][1]
            index += 1
        yield _Entry(number, title, abstract, author_count, organization, date, date_text)


def _kind(line: str) -> str:
    if line == SEPARATOR:
        return "separator"
    if AUTHORS_LINE_RE.match(line):
        return "author count"
    if DATE_LINE_RE.match(line):
        return "date"
    return "text"


def _parse_date_line(line: str) -> _PageDate | None:
    match = DATE_LINE_RE.match(line)
    if match is None:
        return None
    return _PageDate(
        month=MONTHS.index(match["month"]) + 1,
        day=int(match["day"]),
        year=int(match["year"]) if match["year"] else None,
        upvotes=int(match["upvotes"]) if match["upvotes"] else None,
    )


def _date_in_year(date: _PageDate, year: int) -> datetime.date | None:
    try:
        return datetime.date(year, date.month, date.day)
    except ValueError:
        return None


def _record(entry: _Entry, page_year: int | None, listed_on: datetime.date | None) -> ParsedItem:
    published_on = None
    upvotes = 0
    if entry.date is not None:
        year = entry.date.year or page_year
        if year is not None:
            published_on = _date_in_year(entry.date, year)
            if published_on is None:
                return Malformed(entry.line, f"paper {entry.title!r}: {entry.date_text!r} is not a date")
        upvotes = entry.date.upvotes or 0
    return PaperRecord(
        title=entry.title,
        source=Paper.Source.HF_PAGE,
        abstract=entry.abstract,
        author_count=entry.author_count,
        organization=entry.organization,
        published_on=published_on,
        listed_on=listed_on,
        source_upvotes=upvotes,
        line=entry.line,
    )
