"""Celery tasks of the catalogue: thin wrappers that fetch, then hand over to the importers."""

from __future__ import annotations

import logging
import time

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from papers.catalogue import sources
from papers.importers import import_records, known_papers_only

logger = logging.getLogger(__name__)


@shared_task(
    # IntegrityError: a concurrent run inserted the same paper first; the retry finds it and merges.
    autoretry_for=(sources.SourceUnavailable, IntegrityError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=5,
)
def fetch_daily_papers() -> dict[str, dict[str, int]]:
    """Import the newest arXiv submissions and today's Hugging Face Daily Papers, and record the new
    arXiv versions (v2, v3…) of papers already in the catalogue.

    Every source is fetched and parsed before anything is written, and then written in one transaction:
    a failure anywhere leaves the catalogue as it was, and the retry starts over. Running it twice is
    harmless, since importing a paper again only merges. Papers still known only by title are then
    looked up (`identify_papers`).
    """
    today = timezone.localdate()
    arxiv_items = sources.fetch_latest_arxiv_papers(listed_on=today)
    time.sleep(sources.ARXIV_REQUEST_INTERVAL_SECONDS)
    updated_items = sources.fetch_recently_updated_arxiv_papers()
    hf_items = sources.fetch_hf_daily_papers()
    with transaction.atomic():
        reports = {
            "arxiv": import_records(arxiv_items, origin=settings.ARXIV_API_URL, today=today),
            # Only papers the catalogue has: an old paper's new version is not a new paper.
            "arxiv_versions": import_records(
                known_papers_only(updated_items), origin=settings.ARXIV_API_URL, today=today
            ),
            "huggingface": import_records(hf_items, origin=settings.HF_DAILY_PAPERS_URL, today=today),
        }
        transaction.on_commit(identify_papers.delay)
    for name, report in reports.items():
        logger.info("fetch_daily_papers %s: %s", name, report)
        for rejection in report.rejections:
            logger.warning("fetch_daily_papers rejected %s", rejection)
    return {name: report.counts() for name, report in reports.items()}


@shared_task(ignore_result=True)
def identify_papers() -> dict[str, int]:
    """Look papers known only by title up on arXiv (papers/catalogue/identify.py), a batch at a time;
    beat runs it
    hourly and every import asks for a run. Does nothing when ARXIV_TITLE_LOOKUP is off."""
    if not settings.ARXIV_TITLE_LOOKUP:
        return {}
    from papers.catalogue.identify import identify_papers as identify

    report = identify(limit=settings.ARXIV_TITLE_LOOKUP_BATCH)
    logger.info("identify_papers: %s", report.counts())
    if report.stopped:
        logger.warning("identify_papers: stopped early, arXiv is unreachable: %s", report.stopped)
    return report.counts()


@shared_task(ignore_result=True)
def match_alerts(paper_ids: list[int]) -> int:
    """Record which of these newly imported papers match readers' alerts; safe to run twice."""
    from papers.alerts.matching import match_new_papers

    return match_new_papers(paper_ids)


# --- Email digest (issue 5) ------------------------------------------------------------------------------
# The hourly run only finds who is due and enqueues one task per user, so many users are many small
# tasks spread over the workers, and one refused address is retried on its own without holding up others.

DIGEST_MAX_RETRIES = 5


@shared_task(ignore_result=True)
def send_due_digests() -> int:
    """Enqueue the digest of every subscriber whose chosen hour has just begun in their time zone."""
    # Imported here, not at the top, to keep this block self-contained at the end of the module.
    from papers.digest.schedule import due_digests

    due = due_digests(timezone.now())
    for digest in due:
        send_digest.delay(digest.user_id, digest.period_key)
    logger.info("send_due_digests: %d digests due", len(due))
    return len(due)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=DIGEST_MAX_RETRIES)
def send_digest(self, user_id: int, period_key: str) -> str:
    """Send one digest; safe to run any number of times (papers/digest/sending.py says why)."""
    from papers.digest import sending

    try:
        return sending.send_digest(user_id=user_id, period_key=period_key).value
    except sending.DigestSendFailed as error:
        if self.request.retries >= DIGEST_MAX_RETRIES:
            # Returned, not raised: the Digest row stays FAILED with the error for operators.
            logger.error("send_digest: giving up on user %s for %s: %s", user_id, period_key, error)
            return "failed"
        logger.warning("send_digest: user %s for %s will be retried: %s", user_id, period_key, error)
        raise self.retry(exc=error, countdown=60 * 2**self.request.retries) from error
