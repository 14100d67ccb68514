"""The catalogue: the daily listing (by day, week or month), trending papers and the paper page."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from papers.catalogue.filters import FilterError, PaperFilters
from papers.catalogue.periods import PERIOD_KINDS, Period
from papers.catalogue.unseen import record_listing_impressions, seen_before, unseen_only
from papers.feed.user_state import UserPaperState
from papers.htmx import HtmxHttpRequest, wants_fragment
from papers.models import Paper, PaperQuerySet, Profile
from papers.pagination import paginate, paginate_by_ids
from recommender.feed_query import similar_papers

SORTS = {"upvotes": "Most upvoted", "newest": "Newest"}
DEFAULT_SORT = "upvotes"
TRENDING_WINDOW_DAYS = 30
_ARXIV_VERSION = re.compile(r"^(?P<arxiv_id>.+)v\d+$")


def _sorted(papers: PaperQuerySet, sort: str) -> PaperQuerySet:
    return papers.by_newest() if sort == "newest" else papers.by_upvotes()


def remembered_categories(user: Any) -> tuple[list[str], list[str]]:
    """The categories a reader keeps to and leaves out (their profile); none for a visitor. One query."""
    if not getattr(user, "is_authenticated", False) or not user.pk:
        return [], []
    row = Profile.objects.filter(user=user).values_list("categories_included", "categories_excluded").first()
    return (list(row[0] or []), list(row[1] or [])) if row else ([], [])


def listing_filters(request: HttpRequest) -> PaperFilters:
    return PaperFilters.from_query(request.GET, remembered=remembered_categories(request.user))


def bad_filter(request: HttpRequest, error: FilterError) -> HttpResponse:
    """A filter that cannot be applied: a 400 that says why, with the way back."""
    return render(request, "papers/bad_filter.html", {"error": str(error)}, status=400)


def kept_query(
    request: HttpRequest, *, drop: tuple[str, ...] = ("page",), add: dict[str, str] | None = None
) -> str:
    """This page's query string (with its "?"), without `drop`: links to other days and orders keep the
    reader's filters."""
    params = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    for name, value in (add or {}).items():
        if not (name == "sort" and value == DEFAULT_SORT):
            params[name] = value
    query = params.urlencode()
    return f"?{query}" if query else ""


def _listing(request: HtmxHttpRequest, period: Period | None) -> HttpResponse:
    """The page of papers listed in `period` (None: the newest listing day, or an empty catalogue)."""
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    try:
        filters = listing_filters(request)
    except FilterError as error:
        return bad_filter(request, error)
    reader = request.user if request.user.is_authenticated and request.user.pk else None
    unseen = reader is not None and request.GET.get("unseen") == "1"
    visible = Paper.objects.visible_to(request.user)
    papers = visible.none() if period is None else visible.listed_between(period.start, period.end)
    papers = filters.apply(papers)
    if unseen:
        before = seen_before(request.GET.get("seen_before"))
        papers = unseen_only(papers, reader, before)
        if "seen_before" not in request.GET:
            # The next pages hide only what was seen before this one, not this page's own papers.
            params = request.GET.copy()
            params["seen_before"] = f"{before.timestamp():.6f}"
            request.GET = params  # type: ignore[assignment]
    page = paginate(request, _sorted(papers, sort))
    user_state = UserPaperState.for_page(request.user, page)
    if reader is not None:
        record_listing_impressions(reader, list(page.object_list))
    if wants_fragment(request) and request.htmx.target != "listing-body":
        return render(
            request, "papers/_paper_list.html#paper-items", {"page_obj": page, "user_state": user_state}
        )

    kept = kept_query(request, drop=("page", "seen_before"))
    context: dict[str, object] = {
        "period": period,
        "page_obj": page,
        "user_state": user_state,
        "sort": sort,
        "sorts": SORTS,
        "filters": filters,
        "unseen": unseen if reader is not None else None,
        # Kept on the links to other days and periods, so browsing keeps the chosen order and filters.
        "sort_query": kept,
        "sort_links": [
            (
                key,
                label,
                request.path + kept_query(request, drop=("page", "seen_before", "sort"), add={"sort": key}),
            )
            for key, label in SORTS.items()
        ],
    }
    if period is not None:
        before_day, after_day = Paper.objects.listing_dates_around(period.start, period.end)
        latest_in_period = (
            period.start if period.kind == "day" else papers.latest_listing_date() or period.start
        )
        context |= {
            "previous_period": Period.containing(period.kind, before_day) if before_day else None,
            "next_period": Period.containing(period.kind, after_day) if after_day else None,
            # Switching to the day view from a week or month lands on a day that has papers.
            "period_tabs": [
                Period.containing(kind, period.start if kind != "day" else latest_in_period)
                for kind in PERIOD_KINDS
            ],
        }
    if wants_fragment(request, target="listing-body"):
        return render(request, "papers/daily.html#listing-body", context)
    return render(request, "papers/daily.html", context)


@require_safe
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def daily(request: HtmxHttpRequest) -> HttpResponse:
    """The home page: the newest day that has papers."""
    newest = Paper.objects.latest_listing_date()
    return _listing(request, Period.containing("day", newest) if newest else None)


@require_safe
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def day(request: HtmxHttpRequest, day: datetime.date) -> HttpResponse:
    return _listing(request, Period.containing("day", day))


@require_safe
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def week(request: HtmxHttpRequest, day: datetime.date) -> HttpResponse:
    """`day` is the Monday of the ISO week in the URL."""
    return _listing(request, Period.containing("week", day))


@require_safe
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def month(request: HtmxHttpRequest, day: datetime.date) -> HttpResponse:
    """`day` is the first of the month in the URL."""
    return _listing(request, Period.containing("month", day))


@require_safe
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def trending(request: HtmxHttpRequest) -> HttpResponse:
    try:
        filters = listing_filters(request)
    except FilterError as error:
        return bad_filter(request, error)
    papers = Paper.objects.visible_to(request.user).trending(window_days=TRENDING_WINDOW_DAYS)
    page = paginate_by_ids(request, filters.apply(papers))
    context = {"page_obj": page, "user_state": UserPaperState.for_page(request.user, page)}
    if wants_fragment(request) and request.htmx.target != "listing-body":
        return render(request, "papers/_paper_list.html#paper-items", context)
    context |= {"window_days": TRENDING_WINDOW_DAYS, "filters": filters, "unseen": None}
    if wants_fragment(request, target="listing-body"):
        return render(request, "papers/trending.html#listing-body", context)
    return render(request, "papers/trending.html", context)


def _paper_page(request: HtmxHttpRequest, paper: Paper) -> HttpResponse:
    similar = similar_papers(paper, user=request.user)
    context = {
        "paper": paper,
        "similar_papers": similar,
        "user_state": UserPaperState.for_papers(request.user, [paper, *similar]),
    }
    return render(request, "papers/paper_detail.html", context)


@require_safe
def paper_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    paper = get_object_or_404(Paper.objects.defer("search_vector"), pk=pk)
    if paper.arxiv_id:
        # One page, one address: a paper with an arXiv id lives at /abs/<id>/.
        return redirect(paper)
    return _paper_page(request, paper)


@require_safe
def paper_detail_arxiv(request: HtmxHttpRequest, arxiv_id: str) -> HttpResponse:
    # The page never shows the search vector, the widest column of the row.
    paper = Paper.objects.defer("search_vector").filter(arxiv_id=arxiv_id).first()
    if paper is not None:
        return _paper_page(request, paper)
    # arXiv links often carry a version (2401.00001v2); the catalogue keeps one row per paper.
    versioned = _ARXIV_VERSION.match(arxiv_id)
    if versioned is None:
        raise Http404("No paper has this arXiv id.")
    return redirect(get_object_or_404(Paper, arxiv_id=versioned["arxiv_id"]), permanent=True)
