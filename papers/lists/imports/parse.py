"""Reading what a user brings to a list: pasted arXiv ids/URLs/DOIs, BibTeX and RIS, as `Entry`s.

Whole-input problems (binary data, not BibTeX or RIS, a malformed entry) raise `ImportRefused` with a
message for the user: an upload is taken whole or not at all. A pasted token that is not an identifier
is not fatal; it becomes an Entry with a `problem` and is listed back. A BibTeX or RIS entry also brings
its own metadata (authors, date, abstract), from which a paper the catalogue lacks can be made.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import bibtexparser
import rispy
from bibtexparser import model as bib
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.macrospec import LatexContextDb

from papers.importers.records import ABSTRACT_MAX_CHARS, strip_arxiv_version


def _arxiv_id_pattern(group: str) -> str:
    """A new-style (2401.01234) or old-style (hep-th/9901001) id, optional version, captured as `group`."""
    return rf"(?P<{group}>\d{{4}}\.\d{{4,5}}|[a-z][a-z-]*(?:\.[a-z]{{2}})?/\d{{7}})(?:v\d+)?(?!\d)"


_ID = _arxiv_id_pattern("id")
# A whole pasted token: `2401.01234v2`, `arXiv:hep-th/9901001`, an abs/pdf/html URL with or without
# scheme, version and `.pdf`.
_ID_TOKEN = re.compile(
    rf"(?:arxiv:)?{_ID}"
    rf"|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/{_arxiv_id_pattern('url_id')}"
    r"(?:\.pdf)?/?(?:[?#]\S*)?",
    re.IGNORECASE,
)
_DOI_TOKEN = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(?P<doi>10\.\d{4,9}/\S+)", re.IGNORECASE)
# BibTeX's month macros and the numbers some files write instead.
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
)}  # fmt: skip
_YEAR = re.compile(r"\b(?P<year>1[89]\d\d|20\d\d)\b")
# An ISO date or a RIS one (2017/06/12/), to the day, the month or the year.
_DATE = re.compile(r"^\s*(?P<year>\d{4})(?:[-/](?P<month>\d{1,2})(?:[-/](?P<day>\d{1,2}))?)?")
# arXiv ids inside longer text: a field such as `journal = {arXiv preprint arXiv:1706.03762}` or a URL.
_ID_IN_TEXT = re.compile(rf"(?:arxiv\.org/(?:abs|pdf|html)/|arxiv:\s*|10\.48550/arxiv\.){_ID}", re.IGNORECASE)
_ARXIV_DOI = re.compile(rf"10\.48550/arxiv\.{_ID}$", re.IGNORECASE)
_PASTE_SEPARATORS = re.compile(r"[\s,;]+")
_BIBTEX_ENTRY = re.compile(r"^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
_RIS_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: |$)")
# The start of an entry that becomes a paper (not an @comment, @string or @preamble block).
_BIBTEX_PAPER_ENTRY = re.compile(
    r"^[ \t]*@[ \t]*(?!(?:comment|string|preamble)\b)[A-Za-z]+[ \t]*[{(]", re.MULTILINE | re.IGNORECASE
)
# A title's LaTeX is converted only within these bounds, checked before pylatexenc sees it; an entry whose
# title is past them is matched by its arXiv id or DOI, or else listed back with the reason. Real titles
# are far inside both (a few hundred characters, braces three or four deep), and within them a title
# converts in a few milliseconds, so a file of MAX_ENTRIES titles takes seconds at worst.
TITLE_SOURCE_MAX_CHARS = 500
TITLE_MAX_NESTING = 8
# A backslash and what it escapes (\{ is a brace character, not a group), or a brace.
_ESCAPE_OR_BRACE = re.compile(r"\\.|[{}]", re.DOTALL)
# Control characters no text file has: a sign of binary data (an image renamed .bib, say).
_BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _latex_context() -> LatexContextDb:
    context = get_default_latex_context_db()
    # Macros titles use that pylatexenc does not know; it would drop them ("The {\TeX}book" → "The book").
    macros = [("TeX", "TeX"), ("LaTeX", "LaTeX"), ("BibTeX", "BibTeX"), ("textbraceleft", "{")]
    macros += [("textbraceright", "}"), ("textasciicircum", "^"), ("textasciitilde", "~")]
    context.add_context_category("papershelf", prepend=True, macros=[MacroTextSpec(n, t) for n, t in macros])
    return context


_LATEX = LatexNodes2Text(latex_context=_latex_context())


class ImportRefused(ValueError):
    """The input as a whole cannot be imported; the message tells the user why. Nothing was written."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing to put on the list, with what identifies it in the catalogue."""

    # 1-based line where it starts in the input.
    line: int | None
    # How the user recognises it: the pasted token, the citation key or the title.
    label: str
    arxiv_id: str = ""
    doi: str = ""
    title: str = ""
    # Why it cannot be matched at all (an unreadable pasted token); empty when it can be tried.
    problem: str = ""
    # A file's own metadata, for a paper the catalogue does not have: names as "Given Family", the date
    # as "2017", "2017-06" or "2017-06-12".
    authors: tuple[str, ...] = ()
    date: str = ""
    abstract: str = ""


def decode_text(data: bytes) -> str:
    """The file's text; `ImportRefused` when it is binary."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Windows reference managers save RIS as UTF-16.
        text = _decode(data, "utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Old .bib files are often Windows-1252 (which reads Latin-1 text too). The five bytes it
            # leaves undefined are control characters in Latin-1 as well, so failing here means binary.
            text = _decode(data, "cp1252")
    if _BINARY.search(text):
        raise ImportRefused("This is not a text file. Upload a BibTeX (.bib) or RIS (.ris) file.")
    return text


def detect_format(text: str) -> str | None:
    """ "ris", "bibtex", or None for text that is neither."""
    first_line = text.lstrip().partition("\n")[0]
    if _RIS_TAG_LINE.match(first_line) and first_line.startswith("TY"):
        return "ris"
    if _BIBTEX_ENTRY.search(text):
        return "bibtex"
    return None


def count_entries(text: str, detected: str) -> int:
    """About how many entries `text` of the `detected` format has, without parsing it: one regular
    expression pass, so an oversized file can be refused before the slow parse (a 5 MB .bib of
    100,000 entries takes bibtexparser half a minute)."""
    if detected == "ris":
        return sum(1 for line in text.splitlines() if line.startswith("TY  -"))
    return len(_BIBTEX_PAPER_ENTRY.findall(text))


def parse_pasted(text: str) -> list[Entry]:
    """arXiv ids, arXiv URLs and DOIs, separated by new lines, spaces, commas or semicolons."""
    entries = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        for token in _PASTE_SEPARATORS.split(line):
            if token:
                entries.append(_pasted_entry(token, line_number))
    return entries


def parse_bibtex(text: str) -> list[Entry]:
    """The entries of a .bib file; `ImportRefused` naming every malformed entry, if any."""
    library = bibtexparser.parse_string(text)
    entries: list[Entry] = []
    problems: list[str] = []
    for block in library.blocks:
        if isinstance(block, bib.DuplicateBlockKeyBlock) and isinstance(block.ignore_error_block, bib.Entry):
            # Two entries with one key is common in hand-kept files and harmless here: keys are not stored.
            block = block.ignore_error_block
        if isinstance(block, bib.ParsingFailedBlock):
            problems.append(f"malformed entry at line {_line(block.start_line)}: {_failure_reason(block)}")
        elif isinstance(block, bib.Entry):
            entries.append(_bibtex_entry(block))
    if problems:
        raise ImportRefused(_problems_message("This BibTeX file", problems))
    if not entries:
        raise ImportRefused("No BibTeX entries (such as @article{…}) were found in this file.")
    return entries


def parse_ris(text: str) -> list[Entry]:
    """The records of a RIS file; `ImportRefused` naming every structural problem, if any."""
    records: list[tuple[int, list[str]]] = []
    problems: list[str] = []
    current: list[str] | None = None
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        tag_match = _RIS_TAG_LINE.match(line)
        tag = tag_match.group(1) if tag_match else None
        if current is None:
            if tag == "TY":
                current, start = [line], number
            elif line.strip():
                problems.append(f"line {number} is outside a record (records start with “TY  - ”)")
            continue
        if tag == "TY":
            problems.append(f"the record at line {start} has no end (“ER  - ”) before line {number}")
            current, start = [line], number
            continue
        current.append(line)
        if tag == "ER":
            records.append((start, current))
            current = None
    if current is not None:
        problems.append(f"the record at line {start} has no end (“ER  - ”)")
    if problems:
        raise ImportRefused(_problems_message("This RIS file", problems))
    if not records:
        raise ImportRefused("No RIS records (starting with “TY  - ”) were found in this file.")
    return [_ris_entry(rispy.loads("\n".join(lines))[0], line) for line, lines in records]


def find_arxiv_id(text: str) -> str:
    """The first arXiv id mentioned in `text` (an arXiv URL, `arXiv:…`, arXiv's DOI), versionless."""
    match = _ID_IN_TEXT.search(text)
    return strip_arxiv_version(match.group("id")) if match else ""


def _pasted_entry(token: str, line: int) -> Entry:
    label = token if len(token) <= 100 else token[:99] + "…"
    id_match = _ID_TOKEN.fullmatch(token)
    if id_match:
        arxiv_id = id_match.group("id") or id_match.group("url_id")
        return Entry(line, label, arxiv_id=strip_arxiv_version(arxiv_id))
    doi_match = _DOI_TOKEN.fullmatch(token)
    if doi_match:
        doi = doi_match.group("doi")
        arxiv_doi = _ARXIV_DOI.match(doi)
        if arxiv_doi:
            return Entry(line, label, arxiv_id=strip_arxiv_version(arxiv_doi.group("id")))
        return Entry(line, label, doi=doi)
    return Entry(line, label, problem="not an arXiv id, arXiv URL or DOI")


def _bibtex_entry(block: bib.Entry) -> Entry:
    fields = {field.key.lower(): _unenclosed(str(field.value)) for field in block.fields}
    eprint = fields.get("eprint", "").strip()
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
    arxiv_id = ""
    # An eprint with no archive named is almost always arXiv; with another archive named it is not.
    if eprint and archive in ("", "arxiv"):
        arxiv_id = _bare_arxiv_id(eprint)
    for name in ("arxivid", "arxiv"):  # Mendeley's and some hand-written files' fields
        arxiv_id = arxiv_id or _bare_arxiv_id(fields.get(name, ""))
    for name in ("doi", "url", "journal", "note", "howpublished"):
        arxiv_id = arxiv_id or find_arxiv_id(fields.get(name, ""))
    doi = _clean_doi(fields.get("doi", ""))
    line = _line(block.start_line)
    title, unreadable = title_text(fields.get("title", ""))
    label = block.key or title[:100] or f"entry at line {line}"
    if unreadable and not (arxiv_id or doi):
        return Entry(line, label, problem=unreadable)
    return Entry(
        line,
        label,
        arxiv_id=arxiv_id,
        doi=doi,
        title=title,
        authors=tuple(_bibtex_authors(fields.get("author", ""))),
        date=_bibtex_date(fields),
        abstract=_abstract(fields.get("abstract", "")),
    )


# Characters of LaTeX author names read per entry: pylatexenc takes ~15 µs a character, so a 1,000-entry
# file of long LaTeX author lists costs at most ~3 s more; a list's first names are the ones that count.
AUTHORS_LATEX_MAX_CHARS = 200
# Joins the names converted in one call (one pylatexenc pass per entry, not one per name).
_NAME_SEPARATOR = "\u2063"


def _bibtex_authors(value: str) -> list[str]:
    """`Vaswani, Ashish and {Google and DeepMind}` -> ["Ashish Vaswani", "Google and DeepMind"].

    Names are split on "and" outside braces first (braces keep a group whole), then the first
    AUTHORS_LATEX_MAX_CHARS characters of names with LaTeX commands in them are read from LaTeX; the
    other names only lose their braces.
    """
    names, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", value, re.IGNORECASE):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            names.append(" ".join(value[start : match.start()].split()))
            start = match.end()
    names.append(" ".join(value[start:].split()))
    budget, latex = AUTHORS_LATEX_MAX_CHARS, []
    for index, name in enumerate(names):
        if "\\" in name and len(name) <= budget and _NAME_SEPARATOR not in name:
            budget -= len(name)
            latex.append(index)
    if latex:
        converted = _latex_to_text(_NAME_SEPARATOR.join(names[index] for index in latex)).split(
            _NAME_SEPARATOR
        )
        if len(converted) == len(latex):
            for index, name in zip(latex, converted, strict=True):
                names[index] = name
    people = [_person(name.replace("{", "").replace("}", "")) for name in names]
    return [person for person in people if person]


def _person(name: str) -> str:
    """ "Family, Given" (and "Family, Jr., Given") as the catalogue stores names: "Given Family"."""
    parts = [part.strip() for part in name.split(",")]
    if len(parts) == 2 and all(parts):
        return f"{parts[1]} {parts[0]}"
    if len(parts) == 3 and all(parts):
        return f"{parts[2]} {parts[0]} {parts[1]}"
    return " ".join(name.split())


def _bibtex_date(fields: dict[str, str]) -> str:
    """biblatex's `date`, else `year` with `month` when it names one."""
    iso = _iso_date(fields.get("date", ""))
    if iso:
        return iso
    year = _YEAR.search(fields.get("year", ""))
    if year is None:
        return ""
    month_text = fields.get("month", "").strip().lower()[:3]
    month = _MONTHS.get(month_text) or (int(month_text) if month_text.isdigit() else 0)
    return f"{year['year']}-{month:02d}" if 1 <= month <= 12 else year["year"]


def _iso_date(value: str) -> str:
    match = _DATE.match(value)
    if match is None:
        return ""
    parts = [match["year"]] + [f"{int(part):02d}" for part in (match["month"], match["day"]) if part]
    return "-".join(parts)


def _abstract(value: str) -> str:
    # Kept as written, TeX and all, like the abstracts arXiv gives: converting thousands of characters a
    # paper would cost pylatexenc seconds per entry.
    return " ".join(value[:ABSTRACT_MAX_CHARS].split())


def _ris_entry(record: dict[str, object], line: int) -> Entry:
    def text(key: str) -> str:
        value = record.get(key, "")
        return " ".join(value) if isinstance(value, list) else str(value)

    def names(*keys: str) -> list[str]:
        for key in keys:
            value = record.get(key)
            if isinstance(value, list) and value:
                return [_person(str(name)) for name in value if str(name).strip()]
        return []

    title = text("title") or text("primary_title")
    arxiv_id = ""
    for key in ("note", "doi", "urls", "notes", "journal_name", "secondary_title", "alternate_title3", "id"):
        arxiv_id = find_arxiv_id(text(key)) or (_bare_arxiv_id(text(key)) if key == "note" else "")
        if arxiv_id:
            break
    date = _iso_date(text("date")) or _iso_date(text("year")) or _iso_date(text("publication_year"))
    return Entry(
        line,
        title[:100] or f"record at line {line}",
        arxiv_id,
        _clean_doi(text("doi")),
        title,
        authors=tuple(names("authors", "first_authors")),
        date=date,
        abstract=" ".join(text("abstract")[:ABSTRACT_MAX_CHARS].split()),
    )


def _unenclosed(value: str) -> str:
    """The value without its delimiters. bibtexparser removes them, except in the second entry of a
    repeated key, which skips its middleware."""
    value = value.strip()
    if len(value) >= 2 and value[0] == '"' == value[-1] and '"' not in value[1:-1]:
        return value[1:-1]
    if value[:1] == "{" and _closing_brace(value) == len(value) - 1:
        return value[1:-1]
    return value


def _closing_brace(value: str) -> int:
    """Where the brace that opens `value` closes, or -1."""
    depth = 0
    for index, char in enumerate(value):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return index
    return -1


def _bare_arxiv_id(value: str) -> str:
    match = re.fullmatch(rf"\s*(?:arxiv:\s*)?{_ID}\s*", value, re.IGNORECASE)
    return strip_arxiv_version(match.group("id")) if match else ""


def _clean_doi(value: str) -> str:
    match = _DOI_TOKEN.search(value.strip())
    if not match or _ARXIV_DOI.match(match.group("doi")):
        return ""
    return match.group("doi")


def title_text(source: str) -> tuple[str, str]:
    """A BibTeX title as plain text and "", or "" and why it was not read (it is past the bounds)."""
    if len(source) > TITLE_SOURCE_MAX_CHARS:
        return "", (
            f"its title is {len(source):,} characters long with its LaTeX; "
            f"titles of at most {TITLE_SOURCE_MAX_CHARS:,} characters are read"
        )
    depth = brace_depth(source)
    if depth > TITLE_MAX_NESTING:
        return "", (
            f"its title nests braces {depth} deep; titles nested at most {TITLE_MAX_NESTING} deep are read"
        )
    return _latex_to_text(source), ""


def brace_depth(text: str) -> int:
    """How deep braces nest in `text`: 0 for none, 1 for "{x}", 2 for "{{x}}"."""
    depth = deepest = 0
    for match in _ESCAPE_OR_BRACE.finditer(text):
        if match.group() == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif match.group() == "}":
            depth = max(depth - 1, 0)
    return deepest


def _latex_to_text(value: str) -> str:
    # Strict parsing: a malformed title (an unclosed brace or argument, a stray $) fails at once and is
    # read as text. pylatexenc's tolerant mode would instead retry each open group both ways, in time
    # exponential in their number: 16 unclosed `\frac{` took seven seconds, 20 half a minute.
    try:
        text = _LATEX.latex_to_text(value, tolerant_parsing=False)
    except Exception:  # a title must never fail a whole import
        text = value.replace("{", "").replace("}", "")
    return " ".join(text.split())


def _failure_reason(block: bib.ParsingFailedBlock) -> str:
    error = block.error
    if isinstance(block, bib.DuplicateFieldKeyBlock):
        return f"the field {', '.join(sorted(block.duplicate_keys))} appears twice"
    reason = getattr(error, "abort_reason", "") or str(error) or type(error).__name__
    if "end of file" in reason.lower() or "block start" in reason.lower():
        reason = "unbalanced braces or a missing closing brace"
    return reason[:200]


def _problems_message(what: str, problems: list[str]) -> str:
    shown = "; ".join(problems[:5])
    more = f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
    return f"{what} could not be read, so nothing was added: {shown}{more}."


def _line(start_line: int | None) -> int | None:
    # bibtexparser counts lines from 0.
    return None if start_line is None else start_line + 1


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise ImportRefused("This is not a text file. Upload a BibTeX (.bib) or RIS (.ris) file.") from None
