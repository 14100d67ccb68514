"""HTTP clients for the two live sources: the arXiv API and the Hugging Face Daily Papers API.

Each call fetches and parses completely before returning, so callers write nothing until every response
is in hand. Failures worth retrying (connection errors, timeouts, HTTP 429 and 5xx) raise
`SourceUnavailable`; anything else wrong with a response raises `SourceError`.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable
from typing import Any

import requests
from django.conf import settings

from papers.importers import FormatError, PaperRecord, ParsedItem
from papers.importers.arxiv_atom import parse_arxiv_atom
from papers.importers.hf_json import hf_api_records
from papers.importers.records import strip_arxiv_version
from papers.models import ARXIV_ID_RE

USER_AGENT = "Papershelf/0.1 (research paper catalogue; daily import)"
# arXiv asks API clients to leave three seconds between requests.
ARXIV_REQUEST_INTERVAL_SECONDS = 3.0
ARXIV_IDS_PER_REQUEST = 100


class SourceError(Exception):
    """A source answered with something we cannot use; retrying will not help."""


class SourceUnavailable(SourceError):
    """A source could not be reached or was overloaded; worth retrying later."""


class UnknownArxivIds(SourceError):
    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        super().__init__(f"arXiv does not know {', '.join(ids)}")


def fetch_arxiv_papers(ids: Iterable[str]) -> list[PaperRecord]:
    """Records for the given arXiv ids (versions ignored), in the order asked.

    Raises `UnknownArxivIds` naming every id that is malformed or that arXiv has no paper for.
    """
    wanted = list(dict.fromkeys(strip_arxiv_version(arxiv_id.strip()) for arxiv_id in ids))
    malformed = [arxiv_id for arxiv_id in wanted if not ARXIV_ID_RE.match(arxiv_id)]
    if malformed:
        raise UnknownArxivIds(malformed)
    found: dict[str, PaperRecord] = {}
    for start in range(0, len(wanted), ARXIV_IDS_PER_REQUEST):
        if start:
            time.sleep(ARXIV_REQUEST_INTERVAL_SECONDS)
        chunk = wanted[start : start + ARXIV_IDS_PER_REQUEST]
        params = {"id_list": ",".join(chunk), "max_results": len(chunk)}
        # arXiv answers an unknown id with an entry titled "Error", an entry with no title, or nothing;
        # all three leave the id missing from `found`.
        for item in _arxiv_query(params):
            if isinstance(item, PaperRecord) and item.title:
                found[item.arxiv_id] = item
    missing = [arxiv_id for arxiv_id in wanted if arxiv_id not in found]
    if missing:
        raise UnknownArxivIds(missing)
    return [found[arxiv_id] for arxiv_id in wanted]


def fetch_latest_arxiv_papers(
    *,
    listed_on: datetime.date,
    categories: list[str] | None = None,
    max_results: int | None = None,
) -> list[ParsedItem]:
    """The newest submissions in `categories` (default: settings.ARXIV_CATEGORIES), newest first.

    They are given `listed_on` as their listing day: the arXiv API does not say when a paper was listed.
    """
    categories = categories or settings.ARXIV_CATEGORIES
    params = {
        "search_query": " OR ".join(f"cat:{category}" for category in categories),
        "sortBy": "submittedDate",
        "sortOrder": "descending",
        "start": 0,
        "max_results": max_results or settings.ARXIV_FETCH_MAX_RESULTS,
    }
    return _arxiv_query(params, listed_on=listed_on)


def fetch_recently_updated_arxiv_papers(
    *, categories: list[str] | None = None, max_results: int | None = None
) -> list[ParsedItem]:
    """The papers in `categories` whose newest version arXiv posted most recently, newest first: the
    new versions (v2, v3…) of papers submitted earlier. No listing day: they are not new papers."""
    categories = categories or settings.ARXIV_CATEGORIES
    params = {
        "search_query": " OR ".join(f"cat:{category}" for category in categories),
        "sortBy": "lastUpdatedDate",
        "sortOrder": "descending",
        "start": 0,
        "max_results": max_results or settings.ARXIV_FETCH_MAX_RESULTS,
    }
    return _arxiv_query(params)


def search_arxiv_by_title(title_words: str, *, max_results: int = 10) -> list[ParsedItem]:
    """arXiv's papers whose title holds `title_words` (plain words, no punctuation) as a phrase."""
    params = {"search_query": f'ti:"{title_words}"', "start": 0, "max_results": max_results}
    return _arxiv_query(params)


def fetch_hf_daily_papers(*, date: datetime.date | None = None) -> list[ParsedItem]:
    """The Hugging Face Daily Papers of `date` (default: the latest day the API has)."""
    params = {"date": date.isoformat()} if date else {}
    response = _get(settings.HF_DAILY_PAPERS_URL, params)
    try:
        return hf_api_records(response.json())
    except (ValueError, FormatError) as error:
        raise SourceError(f"{settings.HF_DAILY_PAPERS_URL}: not a Daily Papers list: {error}") from None


def _arxiv_query(params: dict[str, Any], *, listed_on: datetime.date | None = None) -> list[ParsedItem]:
    response = _get(settings.ARXIV_API_URL, params)
    try:
        return parse_arxiv_atom(response.content.decode("utf-8"), listed_on=listed_on)
    except (UnicodeDecodeError, FormatError) as error:
        raise SourceError(f"{settings.ARXIV_API_URL}: not an Atom feed: {error}") from None


def _get(url: str, params: dict[str, Any]) -> requests.Response:
    try:
        response = requests.get(
            url,
            params=params,
            headers={"User-Agent": USER_AGENT},
            timeout=settings.HTTP_TIMEOUT_SECONDS,
        )
    except (requests.ConnectionError, requests.Timeout) as error:
        raise SourceUnavailable(f"{url}: {error}") from error
    if response.status_code == 429 or response.status_code >= 500:
        raise SourceUnavailable(f"{url}: HTTP {response.status_code}")
    if response.status_code >= 400:
        raise SourceError(f"{url}: HTTP {response.status_code}")
    return response
