"""/feed/: the personalized daily feed, its "load more", and "not interested" that brings the next paper.

The logic (what is in the feed, in which order, why it is empty) lives in recommender/feed_query.py; these
views pick the fragment htmx asked for.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from papers.alerts.reads import AlertEntry, feed_alert_entries
from papers.feed.user_state import UserPaperState
from papers.forms import MAX_DATABASE_INT, bounded_int, database_id
from papers.htmx import HtmxHttpRequest, wants_fragment
from papers.lists.votes import paper_dismiss, paper_undismiss
from papers.models import Paper, Profile
from papers.redirects import AuthenticatedRequest, login_required_for_action, return_path
from recommender.feed_query import (
    MAX_EXCLUDED,
    FeedPage,
    FeedStatus,
    feed_entry,
    feed_page,
    feed_since,
    feed_status,
    record_impressions,
    trending_papers,
    visit_feed,
)

# The "Personalizing your feed…" panel asks every 2 s; after about three minutes something is wrong
# (a stuck worker), and it stops asking rather than poll all afternoon.
MAX_POLLS = 90


# Far past the longest feed (recommender.recommendation_rows.TOP_K papers a reader): a larger
# `?offset=` is not a
# page of this feed, and past 2**63 - 1 the database would refuse the query outright.
MAX_OFFSET = 100_000


def _count(value: str | None, *, maximum: int) -> int:
    """A count from the query string (`offset`, `poll`); anything else, or out of range, is 0."""
    return bounded_int(value or "", minimum=0, maximum=maximum) or 0


def _ids(values: Iterable[str]) -> set[int]:
    """The paper ids the client says are on its page; anything that is not an id is ignored."""
    ids: set[int] = set()
    for value in values:
        if (pk := database_id(value)) is not None:
            ids.add(pk)
        if len(ids) >= MAX_EXCLUDED:
            break
    return ids


def _anonymous_feed(request: HtmxHttpRequest) -> HttpResponse:
    context = {"papers": trending_papers(request.user), "user_state": UserPaperState()}
    return render(request, "feed/anonymous.html", context)


@require_safe
@vary_on_headers("HX-Request", "HX-Target", "HX-History-Restore-Request")
def feed(request: HtmxHttpRequest) -> HttpResponse:
    """The whole page; with htmx, more cards (#feed-more) or the refreshed body (#feed-body, polling)."""
    if not request.user.is_authenticated:
        return _anonymous_feed(request)
    user = request.user
    profile, since = visit_feed(user)
    # htmx sends the ids of the cards on the page: the next cards are the first ones not shown, which
    # stays right after dismissals and re-ranks. Without JavaScript `?offset=` pages as usual.
    shown = _ids(request.GET.getlist("shown")) if request.htmx else set()
    offset = _count(request.GET.get("offset"), maximum=MAX_OFFSET)
    page = feed_page(user, offset=0 if shown else offset, since=since, exclude_paper_ids=shown)
    more = wants_fragment(request, target="feed-more")
    alert_entries = [] if more else feed_alert_entries(user)
    status = None
    if not page.entries and not page.offset and not shown:
        status = feed_status(user, profile)
        # A reader whose alerts found papers has a feed, even before the recommender knows them.
        if status is FeedStatus.ONBOARDING and not alert_entries:
            onboarding_url = reverse("papers:onboarding")
            return HttpResponseClientRedirect(onboarding_url) if request.htmx else redirect(onboarding_url)
    record_impressions(user, page.papers)
    # Any count past MAX_POLLS stops the polling, as MAX_POLLS itself does.
    polls = min(_count(request.GET.get("poll"), maximum=MAX_DATABASE_INT), MAX_POLLS)
    context = feed_context(request, page, status=status, shown=shown, alert_entries=alert_entries)
    context |= {
        "next_poll": polls + 1 if polls < MAX_POLLS else 0,
        "welcome": request.GET.get("welcome") == "1",
        # No earlier visit to count "new" from: "listed since <a day before the account existed>" would
        # only puzzle a brand-new reader.
        "first_visit": profile.feed_previous_visit_at is None,
    }
    if more:
        return render(request, "feed/_feed_items.html", context)
    if wants_fragment(request, target="feed-body"):
        return render(request, "feed/feed.html#feed-body", context)
    return render(request, "feed/feed.html", context)


def feed_context(
    request: HttpRequest,
    page: FeedPage,
    *,
    status: FeedStatus | None = None,
    shown: Collection[int] = (),
    alert_entries: list[AlertEntry] | None = None,
) -> dict[str, Any]:
    """What feed/feed.html shows of `page`: the papers the reader's alerts matched (read here unless
    given) come first, and not again among the recommendations."""
    if alert_entries is None:
        alert_entries = feed_alert_entries(request.user)
    if alert_entries:
        matched = {entry.paper_id for entry in alert_entries}
        page = dataclasses.replace(
            page, entries=[entry for entry in page.entries if entry.paper.pk not in matched]
        )
    return {
        "page": page,
        "alert_entries": alert_entries,
        "first_visit": False,
        "status": status.value if status else "",
        "user_state": UserPaperState.for_papers(
            request.user, [*page.papers, *(entry.paper for entry in alert_entries)]
        ),
        "next_url": reverse("papers:feed"),
        "more_offset": (len(shown) if shown else page.offset) + len(page.entries),
        "next_poll": 1,
        "welcome": False,
    }


@require_POST
@vary_on_headers("HX-Request")
@login_required_for_action
def feed_dismiss(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Not interested: for the requesting user only. htmx gets an undo notice and the next paper."""
    paper = get_object_or_404(Paper.objects.defer("search_vector"), pk=pk)
    paper_dismiss(user=request.user, paper=paper)
    next_url = return_path(request, reverse("papers:feed"))
    if not wants_fragment(request):
        messages.success(request, f"Hidden: {paper.title}. Find it again under Hidden papers.")
        return redirect(next_url)
    # The next paper is the first one of the feed that is not on the page yet.
    shown = _ids(request.POST.getlist("shown")) | {paper.pk}
    following = feed_page(request.user, limit=1, exclude_paper_ids=shown)
    record_impressions(request.user, following.papers)
    context = {
        "paper": paper,
        "following": following.entries[0] if following.entries else None,
        "user_state": UserPaperState.for_papers(request.user, following.papers),
        "next_url": next_url,
    }
    return render(request, "feed/_feed_dismissed.html", context)


@require_POST
@vary_on_headers("HX-Request")
@login_required_for_action
def feed_undismiss(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Undo "not interested" from the feed: the card comes back where the notice is."""
    paper = get_object_or_404(Paper.objects.defer("search_vector"), pk=pk)
    paper_undismiss(user=request.user, paper=paper)
    next_url = return_path(request, reverse("papers:feed"))
    if not wants_fragment(request):
        messages.success(request, f"Shown again: {paper.title}")
        return redirect(next_url)
    since = feed_since(Profile.for_user(request.user))
    entry = feed_entry(request.user, paper, since=since)
    context = {
        # A paper the user saved meanwhile, or one the new model no longer recommends, comes back
        # without a reason.
        "entry": entry,
        "paper": entry.paper if entry else paper,
        "user_state": UserPaperState.for_papers(request.user, [paper]),
        "next_url": next_url,
    }
    return render(request, "feed/_feed_card.html", context)
