"""Markdown: a list a person reads (or pastes into notes): linked title, authors, year, arXiv link, what
is not known yet (author names, a date), and for the owner's own export the reading status and note."""

from __future__ import annotations

import re
from collections.abc import Sequence

from papers.lists.exports.entries import ExportEntry
from papers.lists.exports.tex import plain_title

AUTHORS_SHOWN = 10
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>#|~])")


def render_markdown(entries: Sequence[ExportEntry], *, title: str = "") -> str:
    lines = [f"# {escape_markdown(title)}", ""] if title else []
    if not entries:
        lines.append("*No papers on this list yet.*")
    for number, entry in enumerate(entries, start=1):
        lines += _render_item(number, entry)
    return "\n".join(lines).rstrip("\n") + "\n"


def escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(text.split()))


def _render_item(number: int, entry: ExportEntry) -> list[str]:
    paper = entry.paper
    url = paper.arxiv_abs_url or paper.url
    title = escape_markdown(plain_title(paper.title))
    lines = [f"{number}. **[{title}]({_link(url)})**" if url else f"{number}. **{title}**"]
    indent = " " * (len(str(number)) + 2)
    details = []
    authors = entry.authors
    if authors:
        shown = ", ".join(escape_markdown(name) for name in authors[:AUTHORS_SHOWN])
        details.append(shown + (" et al." if len(authors) > AUTHORS_SHOWN else ""))
    if entry.year:
        details.append(str(entry.year))
    if entry.unknown:
        details.append(escape_markdown(entry.unknown))
    if paper.arxiv_id:
        details.append(f"[arXiv:{escape_markdown(paper.arxiv_id)}]({_link(paper.arxiv_abs_url)})")
    if paper.doi:
        details.append(f"DOI [{escape_markdown(paper.doi)}]({_link('https://doi.org/' + paper.doi)})")
    if details:
        # Two trailing spaces: a line break inside the list item.
        lines[-1] += "  "
        lines.append(indent + " · ".join(details))
    if entry.status:
        lines[-1] += "  "
        lines.append(f"{indent}Status: {entry.status}")
    if entry.note:
        lines.append("")
        # The note is the owner's own text, possibly Markdown already: quoted, not escaped.
        lines += [f"{indent}> {line}".rstrip() for line in entry.note.splitlines()]
    lines.append("")
    return lines


def _link(url: str) -> str:
    """A URL safe inside `(...)`."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
