"""BibTeX: one `@misc` per paper. An arXiv paper is a preprint as Zotero writes one: publisher arXiv and
the arXiv DOI (10.48550/arXiv.<id>), so the id is printed once, plus eprint/archivePrefix/primaryClass
for biblatex and natbib styles.

Text is treated as plain text and escaped, so a title with `50% & more` comes out the way it was stored,
except for its TeX math (papers/lists/exports/tex.py): `GenM$^3$` and `M^{3}` are set as math, M³. Unicode
is kept (biber, JabRef, Zotero and modern BibTeX setups read UTF-8). The whole title is wrapped in a
second pair of braces so styles change no letter's case ("λ-ECLIPSE" stays λ). URLs and DOIs are
verbatim fields in biblatex, so they are not escaped, only kept brace-free. The owner's reading status
goes to `keywords` (with the arXiv categories) and their note to `annote`; what the catalogue does not
know yet (author names, a date) is said in `note`.
"""

from __future__ import annotations

from collections.abc import Sequence

from papers.lists.exports.entries import ExportEntry
from papers.lists.exports.keys import citation_keys
from papers.lists.exports.names import split_name
from papers.lists.exports.tex import split_math

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


def bibtex_title(title: str) -> str:
    """The title as a BibTeX value: text escaped, math kept as math, all of it case-protected."""
    parts = [escape_bibtex(piece) if kind == "text" else f"${piece}$" for kind, piece in split_math(title)]
    return "{{" + "".join(parts) + "}}"


def _render_entry(entry: ExportEntry, key: str) -> str:
    paper = entry.paper
    fields: list[tuple[str, str]] = [("title", bibtex_title(paper.title))]
    if entry.authors:
        fields.append(("author", "{" + " and ".join(bibtex_author(name) for name in entry.authors) + "}"))
    parts = entry.date_parts
    if parts:
        fields.append(("year", f"{{{parts[0]}}}"))
    if len(parts) > 1:
        fields.append(("month", MONTHS[parts[1] - 1]))
    if paper.arxiv_id:
        fields.append(("publisher", "{arXiv}"))
        fields.append(("eprint", "{" + _verbatim(paper.arxiv_id) + "}"))
        fields.append(("archivePrefix", "{arXiv}"))
        if paper.primary_category:
            fields.append(("primaryClass", "{" + _verbatim(paper.primary_category) + "}"))
    if entry.doi:
        fields.append(("doi", "{" + _verbatim(entry.doi) + "}"))
    url = paper.arxiv_abs_url or paper.url
    if url:
        fields.append(("url", "{" + _verbatim(url) + "}"))
    if entry.unknown:
        fields.append(("note", "{" + escape_bibtex(entry.unknown) + "}"))
    if entry.tags:
        fields.append(("keywords", "{" + escape_bibtex(", ".join(entry.tags)) + "}"))
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
