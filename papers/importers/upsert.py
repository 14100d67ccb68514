"""Write records into the catalogue: one row per paper, however many sources and runs describe it.

A paper is matched by arXiv id, else by normalized title (`title_key`). A record that carries an arXiv id
only takes over a title match that has no id yet: two rows with different ids are two papers, even when
their titles agree. Records are written in batches: each batch looks up its existing rows in two queries,
then inserts and updates in bulk inside one transaction, so an interrupted import leaves whole batches.
The author rows (`PaperAuthor`) of new papers and of papers whose names changed are written with them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from papers.catalogue.embeddings import store_embeddings
from papers.importers.bulk_insert import insert_papers
from papers.importers.records import InvalidRecord, Malformed, PaperRecord, ParsedItem, clean_record
from papers.importers.report import ImportReport, Rejection
from papers.models import Paper, PaperAuthor, normalize_title

BATCH_SIZE = 2000
# Row fields an import may fill in or improve; everything else (user upvotes, timestamps) is not its own.
IMPORTED_FIELDS = (
    "arxiv_id",
    "abstract",
    "authors",
    "author_count",
    "organization",
    "categories",
    "published_on",
    "listed_on",
    "source_upvotes",
    "url",
    "doi",
    "code_url",
    "published_precision",
    "arxiv_version",
    "arxiv_updated_on",
)
FILL_IF_EMPTY = ("organization", "categories", "url", "doi", "code_url")
# How much of a publication date each precision knows, to prefer the more exact of two.
_PRECISION_RANK: dict[str, int] = {
    Paper.DatePrecision.YEAR: 0,
    Paper.DatePrecision.MONTH: 1,
    Paper.DatePrecision.DAY: 2,
}
ORIGIN_MAX_CHARS = 500
_T = TypeVar("_T")


def import_records(
    records: Iterable[ParsedItem],
    *,
    origin: str,
    today: datetime.date | None = None,
    batch_size: int = BATCH_SIZE,
    read_ahead: bool = False,
) -> ImportReport:
    """Validate and upsert `records`; `Malformed` items and invalid records become rejections.

    `origin` names the file or URL the records came from (rejection messages, `Paper.imported_from`).
    `today` bounds plausible dates (default: today). With `read_ahead`, the next batch is read and
    validated in a worker thread while the current one is written, so parsing overlaps the database's
    work. Use it only for `records` that never query the database: the worker thread would open its own
    connection, outside the caller's transaction.
    """
    today = today or timezone.localdate()
    origin = origin[-ORIGIN_MAX_CHARS:]
    report = ImportReport()
    batches = _cleaned_batches(records, origin=origin, today=today, batch_size=batch_size)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-read-ahead") as worker:
        read = worker.submit if read_ahead else _run_now
        upcoming = read(next, batches, None)
        while (current := upcoming.result()) is not None:
            upcoming = read(next, batches, None)
            batch, rejections = current
            report.rejections.extend(rejections)
            if batch:
                _write_batch(batch, origin, report)
    return report


def known_papers_only(records: Iterable[ParsedItem]) -> list[PaperRecord]:
    """The records of papers the catalogue already has by arXiv id (one query): for sources that
    describe new versions of papers, which must not add papers of their own."""
    described = [record for record in records if isinstance(record, PaperRecord) and record.arxiv_id]
    ids = {record.arxiv_id for record in described if isinstance(record.arxiv_id, str)}
    known = set(Paper.objects.filter(arxiv_id__in=ids).values_list("arxiv_id", flat=True)) if ids else set()
    return [record for record in described if record.arxiv_id in known]


def _run_now(function: Callable[..., _T], *args: Any) -> Future[_T]:
    """`ThreadPoolExecutor.submit`, but in this thread."""
    future: Future[_T] = Future()
    try:
        future.set_result(function(*args))
    except Exception as error:
        future.set_exception(error)
    return future


def _cleaned_batches(
    records: Iterable[ParsedItem], *, origin: str, today: datetime.date, batch_size: int
) -> Iterator[tuple[list[PaperRecord], list[Rejection]]]:
    """Valid records in batches of `batch_size`, each with the rejections met while reading it."""
    batch: list[PaperRecord] = []
    rejections: list[Rejection] = []
    for item in records:
        if isinstance(item, Malformed):
            rejections.append(Rejection(origin, item.line, item.reason))
            continue
        try:
            batch.append(clean_record(item, today=today))
        except InvalidRecord as error:
            rejections.append(Rejection(origin, item.line, str(error)))
            continue
        if len(batch) >= batch_size:
            yield batch, rejections
            batch, rejections = [], []
    if batch or rejections:
        yield batch, rejections


def _write_batch(batch: list[PaperRecord], origin: str, report: ImportReport) -> None:
    with transaction.atomic():
        title_keys = [normalize_title(record.title) for record in batch]
        catalogue = _CatalogueIndex.load(batch, title_keys)
        new_papers: list[Paper] = []
        changed_papers: dict[int, Paper] = {}
        changed_fields: set[str] = set()
        renamed: dict[int, Paper] = {}
        new_text: dict[int, Paper] = {}
        for record, key in zip(batch, title_keys, strict=True):
            paper = catalogue.match(record.arxiv_id, key)
            if paper is None:
                paper = _new_paper(record, key, origin)
                new_papers.append(paper)
                catalogue.add(paper)
                report.created += 1
                continue
            changes = merge_record(paper, record)
            if not changes:
                report.unchanged += 1
                continue
            report.updated += 1
            paper.imported_from = origin
            if "arxiv_id" in changes:
                catalogue.add(paper)
            # A paper created earlier in this batch is inserted with its merged values below.
            if paper.pk is not None:
                changed_papers[paper.pk] = paper
                changed_fields |= changes
                if "authors" in changes:
                    renamed[paper.pk] = paper
                if "abstract" in changes:
                    new_text[paper.pk] = paper
        insert_papers(new_papers)
        if changed_papers:
            # bulk_update skips auto_now, so the timestamp is set by hand.
            now = timezone.now()
            for paper in changed_papers.values():
                paper.updated_at = now
            Paper.objects.bulk_update(
                changed_papers.values(), sorted(changed_fields | {"imported_from", "updated_at"})
            )
        _read_back_ids(new_papers)
        authored = [paper for paper in new_papers if paper.authors]
        PaperAuthor.replace_for([(paper.pk, paper.authors) for paper in authored], new=True)
        _match_alerts_on_commit([paper.pk for paper in new_papers if paper.listed_on and paper.pk])
        PaperAuthor.replace_for([(pk, paper.authors) for pk, paper in renamed.items()])
        # Vectors of the text that changed, in the same transaction as the text (only the abstract of a
        # known paper can change: the title is its identity).
        store_embeddings(new_papers + list(new_text.values()))


def _match_alerts_on_commit(paper_ids: list[int]) -> None:
    """Readers' alerts are matched against the new papers once they are committed (papers.alerts)."""
    if not paper_ids:
        return
    from papers.tasks import match_alerts  # papers.tasks imports the importers

    transaction.on_commit(lambda: match_alerts.delay(paper_ids))


def merge_record(paper: Paper, record: PaperRecord) -> set[str]:
    """Improve `paper` with what `record` knows; return the names of the fields that changed.

    Never blanks a known value, keeps the longer abstract and author list (sources truncate, they do not
    pad), the earliest listing day and the highest upvote count, and never trades names for a bare count.
    A publication date is filled in, made more exact (a day over a year), or taken from arXiv, whose date
    of the first version is the paper's own. A newer arXiv version replaces the version seen before.
    """
    changes: dict[str, Any] = {}
    if record.arxiv_id and not paper.arxiv_id:
        changes["arxiv_id"] = record.arxiv_id
    if len(record.abstract) > len(paper.abstract):
        changes["abstract"] = record.abstract
    if len(record.authors) > len(paper.authors):
        changes["authors"] = record.authors
        changes["author_count"] = len(record.authors)
    elif not paper.authors and record.author_count is not None and paper.author_count is None:
        changes["author_count"] = record.author_count
    for name in FILL_IF_EMPTY:
        value = getattr(record, name)
        if value and not getattr(paper, name):
            changes[name] = value
    if record.published_on and _better_publication_date(paper, record):
        changes["published_on"] = record.published_on
        changes["published_precision"] = record.published_precision
    if record.listed_on and (paper.listed_on is None or record.listed_on < paper.listed_on):
        changes["listed_on"] = record.listed_on
    if record.source_upvotes > paper.source_upvotes:
        changes["source_upvotes"] = record.source_upvotes
    if record.arxiv_version and (paper.arxiv_version or 0) < record.arxiv_version:
        changes["arxiv_version"] = record.arxiv_version
        changes["arxiv_updated_on"] = record.arxiv_updated_on
    elif (
        record.arxiv_version == paper.arxiv_version and record.arxiv_updated_on and not paper.arxiv_updated_on
    ):
        changes["arxiv_updated_on"] = record.arxiv_updated_on
    changes = {name: value for name, value in changes.items() if getattr(paper, name) != value}
    for name, value in changes.items():
        setattr(paper, name, value)
    return set(changes)


def _better_publication_date(paper: Paper, record: PaperRecord) -> bool:
    if paper.published_on is None:
        return True
    if record.source == Paper.Source.ARXIV_API and record.published_precision == Paper.DatePrecision.DAY:
        return True
    return _PRECISION_RANK[record.published_precision] > _PRECISION_RANK[paper.published_precision]


def _read_back_ids(papers: list[Paper]) -> None:
    """Set the primary keys of papers just inserted (COPY does not return them; bulk_create on SQLite
    does). A new paper is unique by its arXiv id, or, without one, by its title key among papers
    without an id: any other paper of that title would have been matched instead of creating it."""
    missing = [paper for paper in papers if paper.pk is None]
    if not missing:
        return
    by_id = {paper.arxiv_id: paper for paper in missing if paper.arxiv_id}
    by_key = {paper.title_key: paper for paper in missing if not paper.arxiv_id}
    rows = Paper.objects.filter(
        Q(arxiv_id__in=list(by_id)) | Q(arxiv_id__isnull=True, title_key__in=list(by_key))
    ).order_by("pk")
    for pk, arxiv_id, title_key in rows.values_list("pk", "arxiv_id", "title_key"):
        paper = by_id.get(arxiv_id) if arxiv_id else by_key.get(title_key)
        if paper is not None:
            paper.pk = pk


def _new_paper(record: PaperRecord, title_key: str, origin: str) -> Paper:
    # Rows are inserted in bulk, bypassing Paper.save(): title_key (and, in clean_record, author_count)
    # are computed here instead.
    paper = Paper(
        title=record.title,
        title_key=title_key,
        source=record.source,
        imported_from=origin,
        **{name: getattr(record, name) for name in IMPORTED_FIELDS},
    )
    # The unique constraint allows many NULLs but only one "".
    paper.arxiv_id = record.arxiv_id or None
    return paper


class _CatalogueIndex:
    """The rows a batch may match, by arXiv id and by title key, including rows the batch creates."""

    def __init__(self, papers: Iterable[Paper]) -> None:
        self.by_arxiv_id: dict[str, Paper] = {}
        self.by_title_key: dict[str, list[Paper]] = {}
        for paper in papers:
            self.add(paper)

    @classmethod
    def load(cls, batch: list[PaperRecord], title_keys: list[str]) -> _CatalogueIndex:
        # Only the fields a merge reads (and the title, which a changed abstract is embedded with): the
        # search vector and timestamps are wide and never merged.
        rows = Paper.objects.only("title", "title_key", *IMPORTED_FIELDS).order_by("pk")
        arxiv_ids = {record.arxiv_id for record in batch if record.arxiv_id}
        found = {paper.pk: paper for paper in rows.filter(arxiv_id__in=arxiv_ids)} if arxiv_ids else {}
        known_ids = {paper.arxiv_id for paper in found.values()}
        # Records matched by id need no title lookup, which on a re-import is nearly all of them.
        unmatched_keys = {
            key for record, key in zip(batch, title_keys, strict=True) if record.arxiv_id not in known_ids
        }
        if unmatched_keys:
            for paper in rows.filter(title_key__in=unmatched_keys):
                # One instance per row, so two matches of the same row merge into one object.
                found.setdefault(paper.pk, paper)
        return cls(found.values())

    def add(self, paper: Paper) -> None:
        if paper.arxiv_id:
            self.by_arxiv_id[paper.arxiv_id] = paper
        candidates = self.by_title_key.setdefault(paper.title_key, [])
        if not any(candidate is paper for candidate in candidates):
            candidates.append(paper)

    def match(self, arxiv_id: str, title_key: str) -> Paper | None:
        if arxiv_id and arxiv_id in self.by_arxiv_id:
            return self.by_arxiv_id[arxiv_id]
        candidates = self.by_title_key.get(title_key, [])
        without_id = [paper for paper in candidates if not paper.arxiv_id]
        # A record without an id prefers a row that has none either, then any row of that title.
        preferred = without_id if arxiv_id else without_id or candidates
        return preferred[0] if preferred else None
