"""A page of search results, with the work that depends only on the query shared by everyone asking it.

Ranking a broad query walks thousands of tsvectors (10-20 ms of PostgreSQL on 75k papers) and
highlighting a page's thirty abstracts costs another ~6 ms, yet neither depends on who asks: only on the
query and the catalogue. Queries repeat (a researcher pages through results, comes back, colleagues
search for the same method), so both are kept in the shared cache:
- the ranked ids of a query (at most MAX_RANKED_MATCHES, best first), under the query and the catalogue
  token of papers.page_cache, which every import that adds papers or changes what is searched renews,
  as does saving or deleting a paper;
- a page's highlights for a query, under the query and its papers' ids and `updated_at` (an edit
  starts anew).
A reader's page is then one query for their dismissals among the ranked ids, one for the thirty papers
by id (so counts are always current), and the cards. The ranking itself is papers.catalogue.search.

Stored only while stored pages are on (PAGE_CACHE_SECONDS > 0: Redis), since the catalogue token is
renewed only then. With the cache unreachable a search ranks and highlights as if nothing were stored.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import F
from django.http import HttpRequest

from papers import page_cache
from papers.catalogue import search as paper_search
from papers.catalogue.filters import PaperFilters
from papers.models import Dismissal, Paper
from papers.pagination import PAPERS_PER_PAGE

logger = logging.getLogger(__name__)

# Tokens make a stale ranking unreachable at once; the expiry only returns the memory of queries nobody
# repeats.
RESULTS_SECONDS = 600


def _cached(key: str) -> object | None:
    try:
        return cache.get(key)
    except Exception:
        logger.warning("cache unavailable; searching without it", exc_info=True)
        return None


def _store(values: dict[str, object]) -> None:
    try:
        cache.set_many(values, RESULTS_SECONDS)
    except Exception:
        logger.warning("cache unavailable; search results not stored", exc_info=True)


def ranked_ids(query: str) -> list[int]:
    """Every ranked match of `query` for any reader, best first (at most MAX_RANKED_MATCHES)."""
    key = None
    if page_cache.enabled():
        key = page_cache.cache_key("search:ranked:", query, _cached(page_cache.CATALOGUE_TOKEN_KEY))
        stored = _cached(key)
        if isinstance(stored, list):
            return stored
    ids = list(Paper.objects.search(query).values_list("pk", flat=True))
    if key is not None:
        _store({key: ids})
    return ids


def attach_headlines(papers: list[Paper], query: str) -> None:
    """papers.catalogue.search.attach_headlines, reusing the highlights of the same page of `query`'s results.

    One entry per page, not per paper: a page's thirty entries cost ~0.5 ms more to store and ~0.15 to
    read than one. A reader whose dismissals change the page gets a page of their own.
    """
    if not page_cache.enabled() or not papers:
        paper_search.attach_headlines(papers, query)
        return
    key = page_cache.cache_key("search:headlines:", query, *(f"{p.pk}@{p.updated_at}" for p in papers))
    found = _cached(key)
    if not isinstance(found, dict):
        paper_search.attach_headlines(papers, query)
        _store({key: {p.pk: (p.title_headline, p.abstract_headline) for p in papers}})  # type: ignore[attr-defined]
        return
    for paper in papers:
        paper.title_headline, paper.abstract_headline = found[paper.pk]  # type: ignore[attr-defined]


def results_page(request: HttpRequest, query: str) -> Page:
    """The requested page (`?page=N`; a bad or too-large N gives the first or last) of `query`'s results
    for the requesting reader: without the papers they dismissed, highlighted."""
    ids = ranked_ids(query)
    if ids and request.user.is_authenticated:
        # All of the reader's dismissals, not those among the ids: an IN list of 500 ids costs Django
        # ~4 ms to build, reading a reader's dismissals off the (user, paper) index ~0.4 ms.
        dismissed = set(Dismissal.objects.filter(user=request.user).values_list("paper_id", flat=True))
        ids = [pk for pk in ids if pk not in dismissed]
    page = Paginator(ids, PAPERS_PER_PAGE).get_page(request.GET.get("page"))
    by_pk = Paper.objects.defer("search_vector").in_bulk(list(page.object_list))
    # A paper deleted since the ranking was stored is simply not shown.
    papers = [by_pk[pk] for pk in page.object_list if pk in by_pk]
    attach_headlines(papers, query)
    page.object_list = papers  # type: ignore[assignment]  # the ids of the page, as papers
    return page


def filtered_results_page(request: HttpRequest, query: str, *, filters: PaperFilters, sort: str) -> Page:
    """The requested page of `query`'s matches narrowed by `filters`, for this reader: by relevance,
    or the same matches (the newest MAX_RANKED_MATCHES, as papers.search ranks) by date or upvotes. Not
    shared between readers: filters and remembered categories make it theirs."""
    papers = filters.apply(Paper.objects.visible_to(request.user)).search(query)
    if sort == "newest":
        papers = papers.order_by(
            F("listed_on").desc(nulls_last=True), F("published_on").desc(nulls_last=True), "-id"
        )
    elif sort == "upvotes":
        papers = papers.annotate(upvotes_total=F("source_upvotes") + F("upvote_count")).order_by(
            "-upvotes_total", F("listed_on").desc(nulls_last=True), "-id"
        )
    page = Paginator(papers, PAPERS_PER_PAGE).get_page(request.GET.get("page"))
    papers_on_page = list(page.object_list)
    attach_headlines(papers_on_page, query)
    page.object_list = papers_on_page
    return page
