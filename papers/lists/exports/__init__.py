"""Exports of reading lists for reference managers and people: BibTeX, RIS, CSL-JSON and Markdown.

FORMATS maps the name in the URL (`/lists/<id>/export.bib`) to how the list is rendered and served.
Each renderer is a plain function of `ExportEntry`s (see entries.py, which decides what is private).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.text import slugify

from papers.lists.exports.bibtex import render_bibtex
from papers.lists.exports.csl_json import render_csl_json
from papers.lists.exports.entries import ExportEntry, export_entries
from papers.lists.exports.markdown import render_markdown
from papers.lists.exports.ris import render_ris
from papers.models import ReadingList


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str
    label: str
    # (entries, list name) -> file content; only Markdown shows the name.
    render: Callable[[Sequence[ExportEntry], str], str]
    content_type: str
    extension: str


FORMATS: dict[str, ExportFormat] = {
    fmt.name: fmt
    for fmt in [
        ExportFormat(
            "bib", "BibTeX", lambda entries, _: render_bibtex(entries), "application/x-bibtex", "bib"
        ),
        ExportFormat(
            "ris", "RIS", lambda entries, _: render_ris(entries), "application/x-research-info-systems", "ris"
        ),
        ExportFormat(
            "json",
            "CSL-JSON",
            lambda entries, _: render_csl_json(entries),
            "application/vnd.citationstyles.csl+json",
            "json",
        ),
        ExportFormat(
            "md",
            "Markdown",
            lambda entries, name: render_markdown(entries, title=name),
            "text/markdown",
            "md",
        ),
    ]
}


def export_reading_list(reading_list: ReadingList, fmt: ExportFormat, *, private: bool) -> str:
    """The list in `fmt`; `private` (the owner's own export) includes reading statuses and notes."""
    return fmt.render(export_entries(reading_list, private=private), reading_list.name)


def export_filename(reading_list: ReadingList, fmt: ExportFormat) -> str:
    """An ASCII file name from the list's name: "Read later" → "read-later.bib"."""
    return f"{slugify(reading_list.name)[:80] or 'reading-list'}.{fmt.extension}"


__all__ = [
    "FORMATS",
    "ExportEntry",
    "ExportFormat",
    "export_entries",
    "export_filename",
    "export_reading_list",
    "render_bibtex",
    "render_csl_json",
    "render_markdown",
    "render_ris",
]
