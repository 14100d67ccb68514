"""CSL-JSON, the item format of citeproc, Zotero, Pandoc and Mendeley: a JSON array of items.

arXiv papers are `article` (CSL's type for preprints) with the fields Zotero writes for a preprint:
publisher "arXiv", number "arXiv:<id>" and the arXiv DOI 10.48550/arXiv.<id>, which styles print with the
id once ("… arXiv. https://doi.org/10.48550/arXiv.2401.01234."). No `archive` as well: Chicago prints
both, "arXiv. arXiv.". `id` is the BibTeX citation key, so a document cited with either export resolves
to the same papers. Titles are CSL rich text: math as text or <sup>/<sub>, and words whose case is not a
style's to change ("λ-ECLIPSE", "CLIP", "iPhone") in <span class="nocase">. The owner's reading note goes
to `annote` (CSL's field for a reader's annotation, which styles do not print), never `note`; their
reading status to `keyword`, with the categories; what is not known yet (author names, a date) to `note`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from papers.lists.exports.entries import ExportEntry
from papers.lists.exports.keys import citation_keys
from papers.lists.exports.names import split_name
from papers.lists.exports.tex import math_as_text, split_math

_WORD = re.compile(r"\S+")


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


def csl_title(title: str) -> str:
    """The title as CSL rich text (module docstring)."""
    parts = []
    for kind, piece in split_math(title):
        if kind == "math":
            parts.append(math_as_text(piece, markup=True))
        else:
            parts.append(_WORD.sub(lambda word: _protected(word.group()), piece))
    return "".join(parts)


def _protected(word: str) -> str:
    # A word whose case carries meaning: an acronym (two capitals), or a capital after a lowercase start.
    letters = [char for char in word if char.isalpha()]
    capitals = sum(char.isupper() for char in letters)
    if capitals >= 2 or (capitals and letters and letters[0].islower()):
        return f'<span class="nocase">{word}</span>'
    return word


def _item(entry: ExportEntry, key: str) -> dict[str, Any]:
    paper = entry.paper
    item: dict[str, Any] = {"id": key, "type": "article", "title": csl_title(paper.title)}
    if entry.authors:
        item["author"] = [csl_name(name) for name in entry.authors]
    if entry.date_parts:
        item["issued"] = {"date-parts": [list(entry.date_parts)]}
    url = paper.arxiv_abs_url or paper.url
    if url:
        item["URL"] = url
    if entry.doi:
        item["DOI"] = entry.doi
    if paper.abstract:
        item["abstract"] = paper.abstract
    if paper.arxiv_id:
        item["publisher"] = "arXiv"
        item["number"] = f"arXiv:{paper.arxiv_id}"
    if entry.unknown:
        item["note"] = entry.unknown
    if entry.tags:
        item["keyword"] = ", ".join(entry.tags)
    if entry.note:
        item["annote"] = entry.note
    return item
