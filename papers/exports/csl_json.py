"""CSL-JSON, the item format of citeproc, Zotero, Pandoc and Mendeley: a JSON array of items.

arXiv papers are `article` (CSL's type for preprints) with the fields Zotero writes for a preprint:
archive/publisher "arXiv" and number "arXiv:<id>". `id` is the BibTeX citation key, so a document cited
with either export resolves to the same papers. The owner's reading note goes to `annote` (CSL's field for
a reader's annotation, which styles do not print), never `note`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from papers.exports.entries import ExportEntry
from papers.exports.keys import citation_keys
from papers.exports.names import split_name


def render_csl_json(entries: Sequence[ExportEntry]) -> str:
    keys = citation_keys(entries)
    items = [_item(entry, keys[entry.paper.pk]) for entry in entries]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def csl_name(name: str) -> dict[str, str]:
    parts = split_name(name)
    if parts.is_single:
        # One word: an organisation or a mononym, which CSL prints as given.
        return {"literal": parts.family}
    return {"family": parts.family, "given": parts.given}


def _item(entry: ExportEntry, key: str) -> dict[str, Any]:
    paper = entry.paper
    item: dict[str, Any] = {"id": key, "type": "article", "title": paper.title}
    if entry.authors:
        item["author"] = [csl_name(name) for name in entry.authors]
    if entry.date:
        item["issued"] = {"date-parts": [[entry.date.year, entry.date.month, entry.date.day]]}
    url = paper.arxiv_abs_url or paper.url
    if url:
        item["URL"] = url
    if paper.doi:
        item["DOI"] = paper.doi
    if paper.abstract:
        item["abstract"] = paper.abstract
    if paper.arxiv_id:
        item["archive"] = "arXiv"
        item["publisher"] = "arXiv"
        item["number"] = f"arXiv:{paper.arxiv_id}"
    if paper.categories:
        item["keyword"] = ", ".join(paper.categories)
    if entry.note:
        item["annote"] = entry.note
    return item
