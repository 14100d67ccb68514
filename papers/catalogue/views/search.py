"""Search: /search/?q=… renders the whole page; HTMX live search asks for just the results."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from papers.catalogue import search as paper_search
from papers.catalogue import search_modes
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
    options = search_modes.SearchOptions(request.GET)
    if not options.is_valid():
        # Only a hand-made URL gets here: the page offers nothing else.
        errors = " ".join(str(error) for field in options.errors.values() for error in field)
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    mode = options.cleaned_data["mode"]
    in_lists = options.cleaned_data["within"] == search_modes.IN_LISTS
    if in_lists and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    try:
        filters = PaperFilters.from_query(request.GET, remembered=remembered_categories(request.user))
    except FilterError as error:
        return bad_filter(request, error)
    page = None
    words_everywhere = mode == search_modes.WORDS and not in_lists
    if query and words_everywhere and not filters and sort == DEFAULT_SORT:
        page = results_page(request, query)
    elif query and words_everywhere:
        page = filtered_results_page(request, query, filters=filters, sort=sort)
    elif query:
        # By meaning, or within the reader's lists: ranked by that mode; filters and sorts apply to
        # word search over the catalogue only.
        page = search_modes.results_page(request, query, mode=mode, in_lists=in_lists)
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
        "mode": mode,
        "in_lists": in_lists,
        "filters": filters,
        "sort": sort,
        "search_sorts": SORTS,
        "unseen": None,
        "filters_target": "search-results",
    }
    if wants_fragment(request, target="search-results"):
        return render(request, "papers/search.html#search-results", context)
    return render(request, "papers/search.html", context)
