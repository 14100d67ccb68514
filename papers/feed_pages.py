"""Each reader's feed page, rendered ahead by the workers that rank it, and served with fresh counts.

The recommender already precomputes every reader's ranking (nightly, and again after their upvotes and
saves); rendering the page of that ranking was left to the web request, where it is the costliest thing
the site does: ~10 ms of CPU (the page query, twenty model instances, the cards, the templates), which
capped first views of the feed near 160 a second on two cores. So whoever writes a reader's ranking also
renders their first feed page (`prepare`): the nightly run for every reader active lately (in Celery
tasks after the switch to the new model), and each re-rank for its reader. A web process then serves
that page (`prepared_first`) for the cost of the session, one read of the shared cache and two small
statements: the visit (recommender.feed.visit_feed) and, in one statement, the impressions and the
page's upvote counts.

What the page shows is the reader's own state and the catalogue, as of the preparation, and the counts as
of the request:
- the page is kept with the catalogue's and the reader's tokens read before it was rendered
  (papers.page_cache), and served only while both are the same: a change to what the reader sees about
  themselves (an upvote, a save, a renamed list, a re-rank) or to the catalogue (an import, the nightly
  switch, an edit) makes it stale, and the request renders as before;
- its upvote buttons are slots, filled per request from the counts just read: a button whose counts
  moved (anyone's upvote) is rendered again, so a count is never behind and other readers' votes do not
  make pages stale;
- "New since your last visit" depends on the visit: the page is kept with the `since` day it was
  rendered for, and served only to the visit that computes the same day.
Only the plain page (GET /feed/, not htmx, no query) is prepared; nothing is stored in a process. Should
the cache miss a token renewal (it was unreachable during a write), the write's re-rank, which is never
lost (recommender.outbox), prepares the page again once it runs. With the cache unreachable, the feed
renders as before.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import resolve, reverse
from django.utils import timezone
from lz4 import frame as lz4_frame

from papers import page_cache
from papers.model_rows import planned_once_cursor
from papers.models import Paper, Profile

logger = logging.getLogger(__name__)

# A prepared button: its markup, the counts it shows (upvote_count, source_upvotes), the reader's upvote.
Button = tuple[str, int, int, bool]
_BUTTON_SLOT = re.compile(rb"<!--upvote-button:(\d+)-->")
# How many readers one Celery task prepares (a page is ~10 ms of CPU: a task of a few seconds).
READERS_PER_TASK = 250


@dataclass
class PreparedRender:
    """What the render of a prepared page collects: each card's upvote button, by paper."""

    buttons: dict[int, Button] = field(default_factory=dict)


def enabled() -> bool:
    return page_cache.enabled() and settings.FEED_PAGES_SECONDS > 0


def preparing(request: HttpRequest) -> PreparedRender | None:
    """What is being collected, while a feed page is prepared for this request's reader; else None."""
    return getattr(request, "_prepared_feed", None)


def _key(user: User) -> str:
    # With the account's creation time: an id that a database gives out again (SQLite can, after the
    # newest account is deleted) never finds the page of the account that had it.
    joined = user.date_joined.timestamp() if user.date_joined else 0
    return f"feed-page:{page_cache.BODY_FORMAT}:{user.pk}:{joined}"


def _token_keys(user_id: int) -> list[str]:
    return [page_cache.CATALOGUE_TOKEN_KEY, page_cache.viewer_token_key(user_id)]


# --- Preparing -------------------------------------------------------------------------------------------


def _request_for(user: User) -> HttpRequest:
    """A GET of the feed by `user`, as the page's templates read it (path, resolver match, user)."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = reverse("papers:feed")
    request.resolver_match = resolve(request.path)
    request.META = {"SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80"}
    request.user = user
    return request


class NotKept(Exception):
    """The shared cache is unreachable: the page was not kept, and one kept before may be behind."""


def prepare(user: User, *, now: datetime.datetime | None = None) -> bool:
    """Render and keep `user`'s first feed page; False (and nothing kept) when their feed has no cards.
    Raises NotKept when the cache is unreachable."""
    from papers.views.feed import feed_context  # the view module imports this one
    from recommender.feed import feed_page, feed_since

    if not enabled():
        return False
    key = _key(user)
    try:
        # Read before the page's data: a change committed after this read renews a token (never served).
        found = cache.get_many(_token_keys(user.pk))
    except Exception as error:
        raise NotKept(user.pk) from error
    tokens = [found.get(name) for name in _token_keys(user.pk)]
    # A reader without a profile yet has never opened the feed: their first visit gets one.
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    since = feed_since(profile, now=now)
    page = feed_page(user, since=since)
    entry = None
    if page.entries:
        request = _request_for(user)
        request._prepared_feed = collected = PreparedRender()  # type: ignore[attr-defined]
        response = _render(request, feed_context(request, page))
        body = page_cache.stand_in_csrf_tokens(response.content)
        # The buttons' markup is compressed with the page (NUL never occurs in HTML): twenty nearly
        # identical buttons take ~1 KB so, against ~15 KB kept apart.
        markups = [markup.encode() for markup, *_ in collected.buttons.values()]
        entry = {
            "tokens": tokens,
            "since": since,
            "papers": [paper.pk for paper in page.papers],
            "buttons": {pk: tuple(state) for pk, (_, *state) in collected.buttons.items()},
            "body": lz4_frame.compress(b"\0".join([body, *markups])),
        }
    try:
        if entry is None:
            cache.delete(key)
        else:
            cache.set(key, entry, settings.FEED_PAGES_SECONDS)
    except Exception as error:
        raise NotKept(user.pk) from error
    return entry is not None


def _render(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    from django.shortcuts import render

    return render(request, "feed/feed.html", context)


def prepare_for(user_ids: Iterable[int]) -> int:
    """Prepare these readers' pages; how many have one now. A reader whose page fails is left to render
    their feed (logged); the others are prepared all the same."""
    prepared = 0
    for user in User.objects.filter(pk__in=list(user_ids), is_active=True):
        try:
            prepared += prepare(user)
        except Exception:
            logger.warning("feed page of user %s not prepared", user.pk, exc_info=True)
    return prepared


def active_readers(*, now: datetime.datetime | None = None) -> list[int]:
    """Readers likely to open their feed soon: logged in or on the feed within FEED_PAGES_ACTIVE_DAYS.
    Pages of everyone else would only take room in the cache (~20 KB each)."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=settings.FEED_PAGES_ACTIVE_DAYS)
    visited = Profile.objects.filter(feed_visited_at__gte=since).values_list("user_id", flat=True)
    logged_in = User.objects.filter(last_login__gte=since, is_active=True).values_list("pk", flat=True)
    return sorted(set(visited) | set(logged_in))


def prepare_later(user_ids: list[int]) -> int:
    """Queue the preparation of these readers' pages, READERS_PER_TASK to a task (any worker takes
    one); how many tasks. With the broker unreachable nothing is queued: their feeds render instead."""
    from papers.tasks import prepare_feed_pages

    if not enabled():
        return 0
    tasks = 0
    try:
        for start in range(0, len(user_ids), READERS_PER_TASK):
            prepare_feed_pages.delay(user_ids[start : start + READERS_PER_TASK])
            tasks += 1
    except Exception:
        logger.warning("feed pages not queued for preparation", exc_info=True)
    return tasks


# --- Serving ---------------------------------------------------------------------------------------------


def prepared_first(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the reader's prepared feed page while it is true (module docstring); else the view."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if (
            enabled()
            and request.user.is_authenticated
            and not request.GET
            and page_cache.cacheable_request(request)
        ):
            response = _serve(request)
            if response is not None:
                return response
        return view(request, *args, **kwargs)

    return wrapper


def _serve(request: HttpRequest) -> HttpResponse | None:
    from recommender.feed import visit_feed

    user: User = request.user  # type: ignore[assignment]
    token_keys = _token_keys(user.pk)
    try:
        found = cache.get_many([*token_keys, _key(user)])
    except Exception:
        logger.warning("page cache unavailable; rendering the feed", exc_info=True)
        return None
    entry = found.get(_key(user))
    if entry is None or entry["tokens"] != [found.get(name) for name in token_keys]:
        return None
    # The visit is recorded either way (the view's own call then finds it recorded, and the same day).
    _, since = visit_feed(user)
    if since != entry["since"]:
        return None
    counts = shown_counts(user, entry["papers"])
    body, *markups = lz4_frame.decompress(entry["body"]).split(b"\0")
    states: dict[int, tuple[int, int, bool]] = entry["buttons"]
    buttons = {pk: (markup, *state) for (pk, state), markup in zip(states.items(), markups, strict=True)}
    stand_in = page_cache.CSRF_STAND_IN.decode()

    def button(match: re.Match[bytes]) -> bytes:
        paper_id = int(match.group(1))
        markup, upvotes, source_upvotes, upvoted = buttons[paper_id]
        current = counts.get(paper_id, (upvotes, source_upvotes))
        if current == (upvotes, source_upvotes):
            return markup
        from papers.cards import upvote_button  # papers.cards imports this module

        paper = Paper(pk=paper_id, upvote_count=current[0], source_upvotes=current[1])
        return upvote_button(paper, upvoted=upvoted, csrf_token=stand_in, next_url=request.path).encode()

    return page_cache.response_with_csrf(request, _BUTTON_SLOT.sub(button, body))


# The page's impressions (recommender.feed.record_impressions) and its papers' counts, in one statement.
_SHOWN_SQL = """
WITH shown AS (
    INSERT INTO {impression} (user_id, paper_id, seen_at) SELECT %s, unnest(%s::bigint[]), %s
    ON CONFLICT DO NOTHING
)
SELECT p.id, p.upvote_count, p.source_upvotes FROM {paper} p WHERE p.id = ANY(%s)
"""


def shown_counts(user: User, paper_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Record that `user` was shown these papers; their counts (upvote_count, source_upvotes) now."""
    from recommender.feed import record_impressions
    from recommender.models import FeedImpression

    if connection.vendor != "postgresql":
        papers = list(Paper.objects.filter(pk__in=paper_ids).only("upvote_count", "source_upvotes"))
        record_impressions(user, papers)
        return {paper.pk: (paper.upvote_count, paper.source_upvotes) for paper in papers}
    quote = connection.ops.quote_name
    sql = _SHOWN_SQL.format(
        impression=quote(FeedImpression._meta.db_table), paper=quote(Paper._meta.db_table)
    )
    with planned_once_cursor(connection) as cursor:
        cursor.execute(sql, [user.pk, paper_ids, timezone.now(), paper_ids])
        return {pk: (upvotes, source) for pk, upvotes, source in cursor.fetchall()}
