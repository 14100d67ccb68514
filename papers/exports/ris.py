"""RIS: one `TY  - GEN` record per paper (a preprint has no journal), the tags Zotero, Mendeley and
EndNote read: AU per author as "Family, Given", TI, AB, PY, DA, UR, DO, M1 with the arXiv id, KW per
category, N1 for the owner's reading note.

RIS is line-based: values are collapsed onto one line, and lines end with CR LF as the format asks.
"""

from __future__ import annotations

from collections.abc import Sequence

from papers.exports.entries import ExportEntry
from papers.exports.names import split_name

EOL = "\r\n"


def render_ris(entries: Sequence[ExportEntry]) -> str:
    return "".join(_render_record(entry) for entry in entries)


def ris_author(name: str) -> str:
    parts = split_name(name)
    return f"{parts.family}, {parts.given}" if parts.given else parts.family


def _render_record(entry: ExportEntry) -> str:
    paper = entry.paper
    lines: list[tuple[str, str]] = [("TY", "GEN"), ("TI", paper.title)]
    lines += [("AU", ris_author(name)) for name in entry.authors]
    if entry.date:
        lines.append(("PY", str(entry.date.year)))
        # RIS dates are YYYY/MM/DD/ with a trailing slash for the (empty) "other information" part.
        lines.append(("DA", entry.date.strftime("%Y/%m/%d/")))
    if paper.abstract:
        lines.append(("AB", paper.abstract))
    url = paper.arxiv_abs_url or paper.url
    if url:
        lines.append(("UR", url))
    if paper.doi:
        lines.append(("DO", paper.doi))
    if paper.arxiv_id:
        lines.append(("M1", f"arXiv:{paper.arxiv_id}"))
        lines.append(("PB", "arXiv"))
    lines += [("KW", category) for category in paper.categories or []]
    if entry.note:
        lines.append(("N1", entry.note))
    lines.append(("ER", ""))
    # "ER  - " keeps its trailing space: some readers match the tag with it.
    return "".join(f"{tag}  - {_one_line(value)}{EOL}" for tag, value in lines)


def _one_line(value: str) -> str:
    return " ".join(value.split())
