"""RIS: one `TY  - UNPB` record per paper (unpublished work, RIS's type for a preprint; `GEN` would file
it as a journal article in Zotero), the tags Zotero, Mendeley and EndNote read: AU per author as
"Family, Given", TI, AB, PY, DA, UR, DO (the arXiv DOI for an arXiv paper), M1 with the arXiv id, PB,
KW per category and for the owner's reading status ("status: reading"), N1 for the owner's reading note
and for what the catalogue does not know yet.

RIS is line-based and lines end with CR LF, as the format asks. Values are collapsed onto one line,
except notes, whose line breaks are kept as continuation lines (how Zotero writes and reads them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from papers.lists.exports.entries import ExportEntry
from papers.lists.exports.names import split_name
from papers.lists.exports.tex import plain_title

EOL = "\r\n"
# A continuation line that looks like a tag line would start a new field; one space less keeps it text.
_LOOKS_LIKE_TAG = re.compile(r"^([A-Z][A-Z0-9])  -")


def render_ris(entries: Sequence[ExportEntry]) -> str:
    return "".join(_render_record(entry) for entry in entries)


def ris_author(name: str) -> str:
    parts = split_name(name)
    return f"{parts.family}, {parts.given}" if parts.given else parts.family


def _render_record(entry: ExportEntry) -> str:
    paper = entry.paper
    lines: list[tuple[str, str]] = [("TY", "UNPB"), ("TI", _one_line(plain_title(paper.title)))]
    lines += [("AU", _one_line(ris_author(name))) for name in entry.authors]
    parts = entry.date_parts
    if parts:
        lines.append(("PY", str(parts[0])))
        # RIS dates are YYYY/MM/DD/ with a trailing slash for the (empty) "other information" part;
        # unknown parts stay empty.
        month = f"{parts[1]:02d}" if len(parts) > 1 else ""
        day = f"{parts[2]:02d}" if len(parts) > 2 else ""
        lines.append(("DA", f"{parts[0]}/{month}/{day}/"))
    if paper.abstract:
        lines.append(("AB", _one_line(paper.abstract)))
    url = paper.arxiv_abs_url or paper.url
    if url:
        lines.append(("UR", url))
    if entry.doi:
        lines.append(("DO", entry.doi))
    if paper.arxiv_id:
        lines.append(("M1", f"arXiv:{paper.arxiv_id}"))
        lines.append(("PB", "arXiv"))
    lines += [("KW", _one_line(tag)) for tag in entry.tags]
    if entry.unknown:
        lines.append(("N1", entry.unknown))
    if entry.note:
        lines.append(("N1", _note(entry.note)))
    lines.append(("ER", ""))
    # "ER  - " keeps its trailing space: some readers match the tag with it.
    return "".join(f"{tag}  - {value}{EOL}" for tag, value in lines)


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _note(note: str) -> str:
    lines = [_LOOKS_LIKE_TAG.sub(r"\1 -", line.rstrip()) for line in note.splitlines()]
    return EOL.join(lines).strip()
