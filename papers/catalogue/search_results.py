"""A page of search results for the reader who asked: the ranking (papers.catalogue.search) without the papers
they dismissed, paged, and that page's papers highlighted.

A reader's page is one query for the ranked ids, one for their dismissals, one for the page's papers by
id (so counts are always current) and one for the highlights; the cards follow.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import F
from django.http import HttpRequest

from papers.catalogue import search as paper_search
from papers.catalogue.filters import PaperFilters
from papers.models import Dismissal, Paper
from papers.pagination import PAPERS_PER_PAGE


def ranked_ids(query: str) -> list[int]:
    """Every ranked match of `query`, best first (at most MAX_RANKED_MATCHES)."""
    return list(Paper.objects.search(query).values_list("pk", flat=True))


def results_page(request: HttpRequest, query: str) -> Page:
    """The requested page (`?page=N`; a bad or too-large N gives the first or last) of `query`'s results
    for the requesting reader: without the papers they dismissed, highlighted."""
    ids = ranked_ids(query)
    if ids and request.user.is_authenticated:
        # All of the reader's dismissals, not those among the ids: an IN list of 500 ids is slower to
        # build than reading a reader's dismissals off the (user, paper) index.
        dismissed = set(Dismissal.objects.filter(user=request.user).values_list("paper_id", flat=True))
        ids = [pk for pk in ids if pk not in dismissed]
    page = Paginator(ids, PAPERS_PER_PAGE).get_page(request.GET.get("page"))
    by_pk = Paper.objects.defer("search_vector").in_bulk(list(page.object_list))
    # A paper deleted since the ranking was read is simply not shown.
    papers = [by_pk[pk] for pk in page.object_list if pk in by_pk]
    paper_search.attach_headlines(papers, query)
    page.object_list = papers  # type: ignore[assignment]  # the ids of the page, as papers
    return page


def filtered_results_page(request: HttpRequest, query: str, *, filters: PaperFilters, sort: str) -> Page:
    """The requested page of `query`'s matches narrowed by `filters`, for this reader: by relevance,
    or the same matches (the newest MAX_RANKED_MATCHES, as papers.catalogue.search ranks) by date or
    upvotes. Paged in the database (a COUNT and the page), the dismissals left out by the queryset."""
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
    paper_search.attach_headlines(papers_on_page, query)
    page.object_list = papers_on_page
    return page
