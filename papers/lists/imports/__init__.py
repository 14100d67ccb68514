"""Importing papers into a reading list from pasted arXiv ids/URLs or an uploaded .bib or .ris file.

    import_into_list(*, reading_list, text=None, upload=None) -> ImportResult

The input is read and checked whole first (limits, format, every entry), then matched to the catalogue
(parse.py, match.py), then arXiv is asked about ids the catalogue lacks. A BibTeX or RIS entry the
catalogue lacks, and arXiv could not complete, becomes a paper from its own metadata. Then everything is
written in one transaction: the new catalogue papers and the list items. Input that cannot be read
raises `ImportRefused` with a message for the user, and nothing is written; an entry that cannot be
added (arXiv unreachable or not knowing its id, too many to look up at once) is reported on its own
while the others are added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

import requests
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from papers.catalogue import sources
from papers.importers import PaperRecord, import_records
from papers.importers.report import ImportReport
from papers.lists.imports.match import MatchResult, Unmatched, look_up_arxiv_ids, match_entries
from papers.lists.imports.parse import (
    Entry,
    ImportRefused,
    count_entries,
    decode_text,
    detect_format,
    parse_bibtex,
    parse_pasted,
    parse_ris,
)
from papers.lists.operations import reading_list_add
from papers.models import Paper, ReadingList, normalize_title

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_PASTE_CHARS = 100_000
# One arXiv API request's worth. Each further 100 would hold the request three more seconds (arXiv's
# rate limit), so larger imports of papers new to the catalogue are asked to come in parts.
MAX_ARXIV_LOOKUPS = sources.ARXIV_IDS_PER_REQUEST
UPLOAD_EXTENSIONS = (".bib", ".bibtex", ".ris", ".txt")
CATALOGUE_ORIGIN = "reading-list import"
UNREACHABLE = "arXiv could not be reached to look it up; please try again in a few minutes"
TOO_MANY = (
    f"not looked up: at most {MAX_ARXIV_LOOKUPS} papers new to Papershelf are looked up on arXiv per "
    "import; import the rest in another part"
)


@dataclass
class ImportResult:
    added: list[Paper] = field(default_factory=list)
    already_on_list: list[Paper] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    # Papers that were new to the catalogue and were fetched from arXiv (all of them also in `added`
    # or `already_on_list`).
    looked_up: int = 0
    # Papers that were new to the catalogue and were made from the file's own metadata.
    from_file: int = 0


@dataclass
class _Lookup:
    """What arXiv said about the ids the catalogue lacks."""

    records: list[PaperRecord] = field(default_factory=list)
    unknown: set[str] = field(default_factory=set)
    # Ids that were not looked up, with the reason.
    failed: dict[str, str] = field(default_factory=dict)


def import_into_list(
    *, reading_list: ReadingList, text: str | None = None, upload: UploadedFile | None = None
) -> ImportResult:
    """Add the papers `text` or `upload` names to `reading_list`; `ImportRefused` if the input cannot
    be read at all."""
    entries = read_entries(text=text, upload=upload)
    match = match_entries(entries)
    lookup = _look_up(match)
    with transaction.atomic():
        fetched = _add_to_catalogue(lookup.records)
        from_file, unusable = _add_from_file(entries, match, fetched, lookup)
        # An entry tried from the file is reported by that attempt, not as "no match" or an arXiv failure.
        tried = {(entry.label, entry.line) for entry in [*from_file, *unusable]}
        result = ImportResult(
            unmatched=[item for item in match.unmatched if (item.label, item.line) not in tried],
            looked_up=len(fetched),
            from_file=len({paper.pk for paper in from_file.values()}),
        )
        for entry in _first_per_arxiv_id(entries):
            if (entry.label, entry.line) in tried:
                continue
            if entry.arxiv_id in lookup.unknown:
                result.unmatched.append(
                    Unmatched(entry.label, f"unknown arXiv id {entry.arxiv_id}", entry.line)
                )
            elif entry.arxiv_id in lookup.failed:
                result.unmatched.append(Unmatched(entry.label, lookup.failed[entry.arxiv_id], entry.line))
        result.unmatched += [
            Unmatched(
                entry.label, f"not in the catalogue, and its details are unusable: {reason}", entry.line
            )
            for entry, reason in unusable.items()
        ]
        on_list = set(reading_list.items.values_list("paper_id", flat=True))
        seen: set[int] = set()
        for entry in entries:
            paper = match.matched.get(entry) or fetched.get(entry.arxiv_id) or from_file.get(entry)
            if paper is None or paper.pk in seen:
                continue
            seen.add(paper.pk)
            if paper.pk in on_list:
                result.already_on_list.append(paper)
            else:
                reading_list_add(reading_list=reading_list, paper=paper)
                result.added.append(paper)
    result.unmatched.sort(key=lambda unmatched: unmatched.line or 0)
    return result


def read_entries(*, text: str | None = None, upload: UploadedFile | None = None) -> list[Entry]:
    """The entries of the pasted text or the uploaded file, checked against the limits."""
    text = (text or "").strip()
    if upload is not None and text:
        raise ImportRefused("Paste ids or upload a file, not both at once.")
    if upload is not None:
        entries = _read_upload(upload)
    elif text:
        if len(text) > MAX_PASTE_CHARS:
            raise ImportRefused(
                f"The pasted text is {len(text):,} characters long; at most {MAX_PASTE_CHARS:,} can be "
                "imported at once. Nothing was added."
            )
        entries = _parse_text(text, pasted=True)
    else:
        raise ImportRefused("Paste arXiv ids or URLs, or choose a .bib or .ris file.")
    _check_entry_count(len(entries))
    return entries


def _check_entry_count(count: int) -> None:
    if count > MAX_ENTRIES:
        raise ImportRefused(
            f"This has {count:,} entries; at most {MAX_ENTRIES:,} can be imported at once. "
            "Split it into smaller parts. Nothing was added."
        )


def _read_upload(upload: UploadedFile) -> list[Entry]:
    name = upload.name or ""
    # The size is known before a byte is read: a huge upload is refused without loading it.
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ImportRefused(
            f"“{name}” is {upload.size / 1024 / 1024:.1f} MB; files of at most "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB can be imported. Nothing was added."
        )
    if PurePath(name).suffix.lower() not in UPLOAD_EXTENSIONS:
        raise ImportRefused(f"“{name}” is not a BibTeX (.bib) or RIS (.ris) file.")
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        # The reported size was wrong (a streamed upload); the limit still holds.
        raise ImportRefused(
            f"“{name}” is larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MB. Nothing was added."
        )
    if not data.strip():
        raise ImportRefused(f"“{name}” is empty.")
    return _parse_text(decode_text(data), pasted=False)


def _parse_text(text: str, *, pasted: bool) -> list[Entry]:
    detected = detect_format(text)
    if detected is not None:
        # Counted before parsing, which is slow: too many entries are refused without that cost.
        _check_entry_count(count_entries(text, detected))
    if detected == "ris":
        return parse_ris(text)
    if detected == "bibtex":
        return parse_bibtex(text)
    if pasted:
        return parse_pasted(text)
    raise ImportRefused(
        "This file is neither BibTeX (entries such as @article{…}) nor RIS (records starting with "
        "“TY  - ”). Nothing was added."
    )


def _look_up(match: MatchResult) -> _Lookup:
    """arXiv's records for the first MAX_ARXIV_LOOKUPS ids the catalogue lacks (one request's worth:
    each further hundred would hold the request three more seconds); the rest are reported."""
    lookup = _Lookup()
    asked, later = match.to_look_up[:MAX_ARXIV_LOOKUPS], match.to_look_up[MAX_ARXIV_LOOKUPS:]
    lookup.failed = dict.fromkeys(later, TOO_MANY)
    if not asked:
        return lookup
    try:
        records, unknown = look_up_arxiv_ids(asked)
    # RequestException: the client turns connection failures and timeouts into SourceUnavailable, but
    # a broken response stream (ChunkedEncodingError and kin) comes through as it is.
    except (sources.SourceError, requests.RequestException):
        lookup.failed |= dict.fromkeys(asked, UNREACHABLE)
        return lookup
    lookup.records, lookup.unknown = records, set(unknown)
    return lookup


def _add_to_catalogue(records: list[PaperRecord]) -> dict[str, Paper]:
    """The catalogue papers for arXiv's records, by arXiv id, after writing the new ones."""
    if not records:
        return {}
    import_records(records, origin=CATALOGUE_ORIGIN)
    ids = [record.arxiv_id for record in records]
    papers = Paper.objects.defer("search_vector").filter(arxiv_id__in=ids)
    return {paper.arxiv_id: paper for paper in papers if paper.arxiv_id}


def _add_from_file(
    entries: list[Entry], match: MatchResult, fetched: dict[str, Paper], lookup: _Lookup
) -> tuple[dict[Entry, Paper], dict[Entry, str]]:
    """Papers made from the file's own metadata for its entries that neither the catalogue nor arXiv
    could provide, and the entries whose metadata could not make one, with the reason.

    An arXiv id arXiv does not know is left out (it names no paper); one arXiv could not be asked
    about is kept, as the file gives it."""
    wanted = [
        entry
        for entry in entries
        # A title of punctuation alone could make a paper nothing would find again.
        if normalize_title(entry.title)
        and not entry.problem
        and entry not in match.matched
        and entry.arxiv_id not in fetched
        and (not entry.arxiv_id or entry.arxiv_id in lookup.unknown or entry.arxiv_id in lookup.failed)
    ]
    if not wanted:
        return {}, {}
    records = [
        PaperRecord(
            title=entry.title,
            source=Paper.Source.USER,
            arxiv_id="" if entry.arxiv_id in lookup.unknown else entry.arxiv_id,
            doi=entry.doi,
            authors=list(entry.authors),
            published_on=entry.date or None,
            abstract=entry.abstract,
            line=entry.line,
        )
        for entry in wanted
    ]
    report: ImportReport = import_records(records, origin=CATALOGUE_ORIGIN)
    reasons = {rejection.line: rejection.reason for rejection in report.rejections}
    made = match_entries([entry for entry in wanted if entry.line not in reasons]).matched
    return made, {entry: reasons[entry.line] for entry in wanted if entry.line in reasons}


def _first_per_arxiv_id(entries: list[Entry]) -> list[Entry]:
    firsts: dict[str, Entry] = {}
    for entry in entries:
        if entry.arxiv_id:
            firsts.setdefault(entry.arxiv_id, entry)
    return list(firsts.values())


__all__ = [
    "MAX_ENTRIES",
    "MAX_PASTE_CHARS",
    "MAX_UPLOAD_BYTES",
    "Entry",
    "ImportRefused",
    "ImportResult",
    "MatchResult",
    "Unmatched",
    "import_into_list",
    "match_entries",
    "parse_bibtex",
    "parse_pasted",
    "parse_ris",
    "read_entries",
]
