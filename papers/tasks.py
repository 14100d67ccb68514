"""Celery tasks of the catalogue: thin wrappers that fetch, then hand over to the importers."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from papers import sources
from papers.importers import import_records

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
    """Import the newest arXiv submissions and today's Hugging Face Daily Papers.

    Both sources are fetched and parsed before anything is written, and then written in one transaction:
    a failure anywhere leaves the catalogue as it was, and the retry starts over. Running it twice is
    harmless, since importing a paper again only merges.
    """
    today = timezone.localdate()
    arxiv_items = sources.fetch_latest_arxiv_papers(listed_on=today)
    hf_items = sources.fetch_hf_daily_papers()
    with transaction.atomic():
        reports = {
            "arxiv": import_records(arxiv_items, origin=settings.ARXIV_API_URL, today=today),
            "huggingface": import_records(hf_items, origin=settings.HF_DAILY_PAPERS_URL, today=today),
        }
    for name, report in reports.items():
        logger.info("fetch_daily_papers %s: %s", name, report)
        for rejection in report.rejections:
            logger.warning("fetch_daily_papers rejected %s", rejection)
    return {name: report.counts() for name, report in reports.items()}
