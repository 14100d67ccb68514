"""Search: /search/?q=… renders the whole page; HTMX live search asks for just the results."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from papers.catalogue import search as paper_search
from papers.catalogue.search_results import results_page
from papers.feed.user_state import UserPaperState
from papers.htmx import HtmxHttpRequest, wants_fragment

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
    page = None
    if query:
        page = results_page(request, query)
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
    }
    if wants_fragment(request, target="search-results"):
        return render(request, "papers/search.html#search-results", context)
    return render(request, "papers/search.html", context)
