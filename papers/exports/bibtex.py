"""BibTeX: one `@misc` per paper, arXiv papers with eprint/archivePrefix/primaryClass (biblatex and
natbib styles both understand these).

Text is treated as plain text and escaped, so a title with `50% & more` or `C#_{1}` comes out the way
it was stored; Unicode is kept (biber, JabRef, Zotero and modern BibTeX setups read UTF-8). The whole
title is wrapped in a second pair of braces so styles do not lowercase acronyms and names. URLs and DOIs
are verbatim fields in biblatex, so they are not escaped, only kept brace-free.
"""

from __future__ import annotations

from collections.abc import Sequence

from papers.exports.entries import ExportEntry
from papers.exports.keys import citation_keys
from papers.exports.names import split_name

# BibTeX's month macros: `month = jan` sorts and localizes properly; `{January}` does not.
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def render_bibtex(entries: Sequence[ExportEntry]) -> str:
    keys = citation_keys(entries)
    return "\n".join(_render_entry(entry, keys[entry.paper.pk]) for entry in entries)


def escape_bibtex(text: str) -> str:
    """`text` as a BibTeX field value that LaTeX prints as `text`."""
    # BibTeX counts every brace, escaped or not, to find where a value ends; `\{` is only safe while the
    # braces pair up. An unpaired one is spelled out so the file stays readable by every parser.
    balanced = _braces_balanced(text)
    out = []
    for char in text:
        if char == "{":
            out.append(r"\{" if balanced else r"\textbraceleft{}")
        elif char == "}":
            out.append(r"\}" if balanced else r"\textbraceright{}")
        else:
            out.append(_SPECIALS.get(char, char))
    return "".join(out)


def bibtex_author(name: str) -> str:
    """ "Family, Given", the one form every BibTeX name parser reads the same way."""
    parts = split_name(name)
    if parts.is_single:
        # Braces keep a group name whole: its "and" would otherwise split it into two authors, and
        # BibTeX would take its last word for a family name.
        return "{" + escape_bibtex(parts.family) + "}" if " " in parts.family else escape_bibtex(parts.family)
    return f"{escape_bibtex(parts.family)}, {escape_bibtex(parts.given)}"


def _render_entry(entry: ExportEntry, key: str) -> str:
    paper = entry.paper
    fields: list[tuple[str, str]] = [("title", "{{" + escape_bibtex(paper.title) + "}}")]
    if entry.authors:
        fields.append(("author", "{" + " and ".join(bibtex_author(name) for name in entry.authors) + "}"))
    if entry.date:
        fields.append(("year", f"{{{entry.date.year}}}"))
        fields.append(("month", MONTHS[entry.date.month - 1]))
    if paper.arxiv_id:
        fields.append(("eprint", "{" + _verbatim(paper.arxiv_id) + "}"))
        fields.append(("archivePrefix", "{arXiv}"))
        if paper.primary_category:
            fields.append(("primaryClass", "{" + _verbatim(paper.primary_category) + "}"))
    if paper.doi:
        fields.append(("doi", "{" + _verbatim(paper.doi) + "}"))
    url = paper.arxiv_abs_url or paper.url
    if url:
        fields.append(("url", "{" + _verbatim(url) + "}"))
    if paper.abstract:
        fields.append(("abstract", "{" + escape_bibtex(paper.abstract) + "}"))
    if entry.note:
        # `annote`, not `note`: bibliography styles print `note`, and a reading note is not for readers.
        fields.append(("annote", "{" + escape_bibtex(entry.note.replace("\r\n", "\n")) + "}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def _verbatim(value: str) -> str:
    """An identifier or URL: percent-encode the characters that would end or break the field."""
    return value.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def _braces_balanced(text: str) -> bool:
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
