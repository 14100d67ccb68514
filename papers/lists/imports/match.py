"""Finding the catalogue's papers for imported entries, and arXiv's records for the ones it lacks.

An entry matches by arXiv id, else by DOI, else by normalized title (`papers.models.normalize_title`).
As in the catalogue importers, a paper with a different arXiv id is a different paper, whatever its DOI
or title says. Matching reads three indexed queries, however many entries there are.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from papers.catalogue import sources
from papers.importers import PaperRecord
from papers.lists.imports.parse import Entry
from papers.models import Paper, normalize_title


@dataclass(frozen=True, slots=True)
class Unmatched:
    label: str
    reason: str
    line: int | None = None


@dataclass
class MatchResult:
    # In input order; an Entry is a value, so repeated pastes of one id share a paper.
    matched: dict[Entry, Paper] = field(default_factory=dict)
    # arXiv ids no catalogue paper has, unique, in input order: for `look_up_arxiv_ids`.
    to_look_up: list[str] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)


def match_entries(entries: Sequence[Entry]) -> MatchResult:
    """Match `entries` to catalogue papers; arXiv ids not in the catalogue are left to look up."""
    catalogue = _Catalogue.load(entries)
    result = MatchResult()
    for entry in entries:
        if entry.problem:
            result.unmatched.append(Unmatched(entry.label, entry.problem, entry.line))
            continue
        paper = catalogue.match(entry)
        if paper is not None:
            result.matched[entry] = paper
        elif entry.arxiv_id:
            if entry.arxiv_id not in result.to_look_up:
                result.to_look_up.append(entry.arxiv_id)
        else:
            result.unmatched.append(Unmatched(entry.label, _no_match_reason(entry), entry.line))
    return result


def look_up_arxiv_ids(arxiv_ids: Sequence[str]) -> tuple[list[PaperRecord], list[str]]:
    """arXiv's records for the ids it knows, and the ids it does not know.

    An adapter over `sources.fetch_arxiv_papers`, which raises `UnknownArxivIds` and returns nothing when
    any id is unknown: the unknown ones are set aside and the rest asked for once more, after the pause
    arXiv asks clients to leave. Raises `sources.SourceError` (or `SourceUnavailable`) when arXiv fails.
    """
    remaining = list(arxiv_ids)
    unknown: list[str] = []
    for attempt in range(2):
        if not remaining:
            break
        if attempt:
            time.sleep(sources.ARXIV_REQUEST_INTERVAL_SECONDS)
        try:
            return sources.fetch_arxiv_papers(remaining), unknown
        except sources.UnknownArxivIds as error:
            missing = set(error.ids)
            unknown += [arxiv_id for arxiv_id in remaining if arxiv_id in missing]
            remaining = [arxiv_id for arxiv_id in remaining if arxiv_id not in missing]
    # arXiv denied knowing ids it had just returned; rather than loop, report them unknown too.
    return [], unknown + remaining


def _no_match_reason(entry: Entry) -> str:
    if entry.title:
        title = entry.title if len(entry.title) <= 120 else entry.title[:119] + "…"
        return f"no match for title “{title}”"
    if entry.doi:
        return f"no paper with DOI {entry.doi} in the catalogue"
    return "no arXiv id, DOI or title to match"


class _Catalogue:
    """The catalogue papers the entries could match, indexed three ways."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        self.by_arxiv_id: dict[str, Paper] = {}
        self.by_doi: dict[str, Paper] = {}
        self.by_title_key: dict[str, list[Paper]] = {}
        # Papers with an arXiv id first: when titles tie, the richer row wins; then the oldest row.
        for paper in sorted(papers, key=lambda p: (not p.arxiv_id, p.pk)):
            if paper.arxiv_id:
                self.by_arxiv_id.setdefault(paper.arxiv_id.lower(), paper)
            if paper.doi:
                self.by_doi.setdefault(paper.doi.lower(), paper)
            self.by_title_key.setdefault(paper.title_key, []).append(paper)

    @classmethod
    def load(cls, entries: Sequence[Entry]) -> _Catalogue:
        rows = Paper.objects.defer("search_vector", "abstract")
        arxiv_ids = {e.arxiv_id for e in entries if e.arxiv_id}
        dois = {e.doi for e in entries if e.doi}
        title_keys = {normalize_title(e.title) for e in entries if e.title} - {""}
        papers: dict[int, Paper] = {}
        if arxiv_ids:
            papers.update((p.pk, p) for p in rows.filter(arxiv_id__in=arxiv_ids))
        if dois:
            # DOIs are case-insensitive but stored as sources spell them; an exact IN on the usual
            # spellings keeps the doi index usable where a lower() comparison would scan the table.
            spellings = {spelling for doi in dois for spelling in (doi, doi.lower(), doi.upper())}
            papers.update((p.pk, p) for p in rows.filter(doi__in=spellings))
        if title_keys:
            papers.update((p.pk, p) for p in rows.filter(title_key__in=title_keys))
        return cls(list(papers.values()))

    def match(self, entry: Entry) -> Paper | None:
        if entry.arxiv_id and entry.arxiv_id.lower() in self.by_arxiv_id:
            return self.by_arxiv_id[entry.arxiv_id.lower()]
        if entry.doi:
            paper = self.by_doi.get(entry.doi.lower())
            if paper is not None and self._compatible(entry, paper):
                return paper
        if entry.title:
            for paper in self.by_title_key.get(normalize_title(entry.title), []):
                if self._compatible(entry, paper):
                    return paper
        return None

    @staticmethod
    def _compatible(entry: Entry, paper: Paper) -> bool:
        return not (entry.arxiv_id and paper.arxiv_id and entry.arxiv_id.lower() != paper.arxiv_id.lower())
