"""Finding the arXiv identity of papers known only by their title.

Page captures of Hugging Face Daily Papers give a title, an abstract and at most "8 authors": no arXiv
id, no names, no links. While the site is online, a Celery task (papers.tasks.identify_papers) asks the
arXiv API for each such paper's title as a phrase and accepts an answer only when it is unambiguous:
exactly one arXiv paper whose title is the same once case, accents, TeX and punctuation are folded
(`papers.models.normalize_title`), with as many authors as the capture counted. The paper then gets the
id, author names, dates, categories and code link (`papers.importers.upsert.merge_record`, so nothing it
knew is lost). A paper arXiv does not know, or knows twice, is asked about again after RETRY_AFTER.

A paper whose arXiv id another catalogue row already has is left alone and counted as a duplicate:
merging two rows (and the readers' saves and votes on each) is not this task's to decide.
"""

from __future__ import annotations

import datetime
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from pylatexenc.latex2text import LatexNodes2Text

from papers.catalogue import sources
from papers.importers.records import InvalidRecord, PaperRecord, ParsedItem, clean_record
from papers.importers.upsert import merge_record
from papers.models import Paper, PaperQuerySet, normalize_title

logger = logging.getLogger(__name__)

RETRY_AFTER = datetime.timedelta(days=30)
_LATEX = LatexNodes2Text()


@dataclass
class IdentifyReport:
    identified: int = 0
    # arXiv knows no paper of that title, or more than one, or one with another number of authors.
    unmatched: int = 0
    duplicates: int = 0
    # Why the run stopped early (arXiv unreachable), if it did.
    stopped: str = ""

    def counts(self) -> dict[str, int]:
        return {"identified": self.identified, "unmatched": self.unmatched, "duplicates": self.duplicates}


def papers_to_identify(*, now: datetime.datetime) -> PaperQuerySet:
    """Papers without an arXiv id not asked about lately, never-asked first."""
    due = Q(arxiv_lookup_at__isnull=True) | Q(arxiv_lookup_at__lt=now - RETRY_AFTER)
    return (
        Paper.objects.filter(arxiv_id__isnull=True)
        .filter(due)
        .defer("search_vector")
        .order_by(F("arxiv_lookup_at").asc(nulls_first=True), "pk")
    )


def identify_papers(*, limit: int, now: datetime.datetime | None = None) -> IdentifyReport:
    """Look up to `limit` papers up on arXiv by title, pausing between requests as arXiv asks."""
    now = now or timezone.now()
    report = IdentifyReport()
    for number, paper in enumerate(papers_to_identify(now=now)[:limit]):
        if number:
            time.sleep(sources.ARXIV_REQUEST_INTERVAL_SECONDS)
        words = normalize_title(paper.title)
        try:
            candidates = sources.search_arxiv_by_title(words) if words else []
        except sources.SourceUnavailable as error:
            # Offline, or arXiv overloaded: the next run starts again with this paper.
            report.stopped = str(error)
            break
        except sources.SourceError as error:
            logger.warning("identify_papers: arXiv answered %r with %s", paper.title, error)
            candidates = []
        match = unambiguous_match(paper, candidates)
        if match is None:
            report.unmatched += 1
        elif _identify(paper, match, now=now):
            report.identified += 1
            continue
        else:
            report.duplicates += 1
        Paper.objects.filter(pk=paper.pk).update(arxiv_lookup_at=now)
    return report


def unambiguous_match(paper: Paper, candidates: list[ParsedItem]) -> PaperRecord | None:
    """The one candidate that is `paper`, or None when none or several could be."""
    same_title: dict[str, PaperRecord] = {}
    for candidate in candidates:
        if not isinstance(candidate, PaperRecord) or not isinstance(candidate.title, str):
            continue
        if title_key(candidate.title) != paper.title_key:
            continue
        if paper.author_count and candidate.authors and len(candidate.authors) != paper.author_count:
            continue
        same_title[candidate.arxiv_id] = candidate
    return next(iter(same_title.values())) if len(same_title) == 1 else None


def title_key(arxiv_title: str) -> str:
    """`normalize_title` of an arXiv title, its TeX read as text first ("$\\lambda$-ECLIPSE" is
    "λ-ECLIPSE", as Hugging Face shows it)."""
    try:
        text = _LATEX.latex_to_text(arxiv_title)
    except Exception:  # pylatexenc is tolerant, but a title must never fail the run
        text = arxiv_title
    return normalize_title(text)


def _identify(paper: Paper, candidate: PaperRecord, *, now: datetime.datetime) -> bool:
    """Merge arXiv's record into `paper`; False when another paper already has its arXiv id."""
    try:
        record = clean_record(candidate, today=timezone.localdate())
    except InvalidRecord as error:
        logger.warning("identify_papers: arXiv's record for %r is unusable: %s", paper.title, error)
        return False
    if Paper.objects.filter(arxiv_id=record.arxiv_id).exists():
        return False
    changes = merge_record(paper, record)
    paper.imported_from = settings.ARXIV_API_URL[-500:]
    paper.arxiv_lookup_at = now
    try:
        with transaction.atomic():
            paper.save(update_fields=sorted(changes | {"imported_from", "arxiv_lookup_at", "updated_at"}))
    except IntegrityError:
        # Another process gave that id to another row in the meantime.
        return False
    return True
