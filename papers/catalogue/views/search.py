"""Search: /search/?q=… renders the whole page; HTMX live search asks for just the results."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from papers.catalogue import search as paper_search
from papers.catalogue.filters import FilterError, PaperFilters
from papers.catalogue.search_results import filtered_results_page, results_page
from papers.catalogue.views.listings import bad_filter, remembered_categories
from papers.feed.user_state import UserPaperState
from papers.htmx import HtmxHttpRequest, wants_fragment

SORTS = {"relevance": "Relevance", "newest": "Newest", "upvotes": "Most upvoted"}
DEFAULT_SORT = "relevance"
EXAMPLE_QUERIES = [
    "spiking neural networks",
    '"in-context learning"',
    "diffusion -image",
    "hippocampus OR grid cells",
    "Yann LeCun",
]


@require_safe
@vary_on_headers("HX-Request", "HX-History-Restore-Request", "HX-Target")
def search(request: HtmxHttpRequest) -> HttpResponse:
    query, notice = paper_search.clean_query(request.GET.get("q", ""))
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    try:
        filters = PaperFilters.from_query(request.GET, remembered=remembered_categories(request.user))
    except FilterError as error:
        return bad_filter(request, error)
    page = None
    if query and not filters and sort == DEFAULT_SORT:
        # The unfiltered ranking is the same for every reader, and shared (papers.search_results).
        page = results_page(request, query)
    elif query:
        page = filtered_results_page(request, query, filters=filters, sort=sort)
    user_state = UserPaperState.for_page(request.user, page)

    if wants_fragment(request, target="load-more"):
        return render(
            request, "papers/_paper_list.html#paper-items", {"page_obj": page, "user_state": user_state}
        )
    context = {
        "user_state": user_state,
        "query": query,
        "notice": notice,
        "page_obj": page,
        "max_ranked": paper_search.MAX_RANKED_MATCHES,
        "examples": EXAMPLE_QUERIES,
        "filters": filters,
        "sort": sort,
        "search_sorts": SORTS,
        "unseen": None,
        "filters_target": "search-results",
    }
    if wants_fragment(request, target="search-results"):
        return render(request, "papers/search.html#search-results", context)
    return render(request, "papers/search.html", context)
