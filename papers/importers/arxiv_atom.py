"""arXiv API responses (`export.arxiv.org/api/query`): an Atom feed, one `<entry>` a paper.

The standard library's parser is strict (a feed that is not XML is rejected whole, where feedparser would
guess), and documents with a DOCTYPE are refused outright: the API never sends one, and refusing it rules
out entity-expansion tricks without an extra dependency.
"""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET

from papers.importers.code_links import find_code_url
from papers.importers.records import FormatError, Malformed, PaperRecord, ParsedItem, strip_arxiv_version
from papers.models import Paper

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
_ENTRY_START_RE = re.compile(r"<(?:[\w.-]+:)?entry[\s>/]")
_VERSION_RE = re.compile(r"v(?P<version>\d+)$")
_DOCTYPE_RE = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def looks_like_xml(head: str) -> bool:
    return head.lstrip().startswith("<")


def parse_arxiv_atom(text: str, *, listed_on: datetime.date | None = None) -> list[ParsedItem]:
    """Records for the feed's entries; `listed_on` is the listing day to give them, if any.

    arXiv's "Error" entries (an unknown or malformed id) become `Malformed` items naming the problem.
    """
    if _DOCTYPE_RE.search(text):
        raise FormatError("XML with a DOCTYPE or entity declarations is not accepted")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise FormatError(f"not well-formed XML: {error}") from None
    if root.tag != f"{ATOM}feed":
        raise FormatError(f"XML but not an Atom feed (the root element is <{_local_name(root.tag)}>)")
    entries = root.findall(f"{ATOM}entry")
    lines = _entry_start_lines(text)
    if len(lines) != len(entries):
        # An <entry> inside a comment or CDATA threw the count off; better no line than a wrong one.
        lines = [None] * len(entries)
    return [_entry_item(entry, line, listed_on) for entry, line in zip(entries, lines, strict=True)]


def arxiv_id_from_entry_id(entry_id: str) -> str:
    """`http://arxiv.org/abs/2401.01234v2` -> `2401.01234`; old-style ids keep their archive prefix."""
    _, _, tail = entry_id.partition("/abs/")
    return strip_arxiv_version(tail.strip())


def arxiv_version_from_entry_id(entry_id: str) -> int | None:
    """`http://arxiv.org/abs/2401.01234v2` -> 2: an entry describes the paper's newest version."""
    match = _VERSION_RE.search(entry_id.strip())
    return int(match["version"]) if match else None


def _entry_start_lines(text: str) -> list[int | None]:
    # ElementTree keeps no line numbers; rejection messages need them.
    lines: list[int | None] = []
    line, counted_to = 1, 0
    for match in _ENTRY_START_RE.finditer(text):
        line += text.count("\n", counted_to, match.start())
        counted_to = match.start()
        lines.append(line)
    return lines


def _entry_item(entry: ET.Element, line: int | None, listed_on: datetime.date | None) -> ParsedItem:
    title = _text(entry, f"{ATOM}title")
    entry_id = _text(entry, f"{ATOM}id")
    if title == "Error" and "/abs/" not in entry_id:
        return Malformed(line, f"arXiv API error: {_text(entry, f'{ATOM}summary') or entry_id}")
    arxiv_id = arxiv_id_from_entry_id(entry_id)
    if not arxiv_id:
        return Malformed(line, f"entry id {entry_id!r} is not an arXiv abstract address")
    primary = entry.find(f"{ARXIV}primary_category")
    categories = [primary.get("term", "")] if primary is not None else []
    for category in entry.findall(f"{ATOM}category"):
        term = category.get("term", "")
        if term and term not in categories:
            categories.append(term)
    abstract = _text(entry, f"{ATOM}summary")
    version = arxiv_version_from_entry_id(entry_id)
    return PaperRecord(
        title=title,
        source=Paper.Source.ARXIV_API,
        arxiv_id=arxiv_id,
        abstract=abstract,
        authors=[_text(author, f"{ATOM}name") for author in entry.findall(f"{ATOM}author")],
        categories=categories,
        published_on=_text(entry, f"{ATOM}published"),
        listed_on=listed_on,
        doi=_text(entry, f"{ARXIV}doi"),
        # Authors name their code in the comment ("Code: https://github.com/…") as often as in the abstract.
        code_url=find_code_url(_text(entry, f"{ARXIV}comment"), abstract),
        arxiv_version=version,
        arxiv_updated_on=_text(entry, f"{ATOM}updated") if version else None,
        line=line,
    )


def _text(element: ET.Element, tag: str) -> str:
    return (element.findtext(tag) or "").strip()


def _local_name(tag: str) -> str:
    return tag.rpartition("}")[2]
