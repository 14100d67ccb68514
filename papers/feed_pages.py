"""Each reader's feed page, rendered ahead by the workers that rank it, and served with fresh counts.

The recommender already precomputes every reader's ranking (nightly, and again after their upvotes and
saves); rendering the page of that ranking was left to the web request, where it is the costliest thing
the site does: ~10 ms of CPU (the page query, twenty model instances, the cards, the templates), which
capped first views of the feed near 160 a second on two cores. So whoever writes a reader's ranking also
renders their first feed page (`prepare`): the nightly run for every reader active lately (in Celery
tasks after the switch to the new model), and each re-rank for its reader. A web process then serves
that page (`prepared_first`) for the cost of the session, one read of the shared cache and two small
statements: the visit (recommender.feed_query.visit_feed) and, in one statement, the impressions and the
page's papers as they are now (counts, edit times, the current model).

What the page shows is the reader's own state and their papers, as of the preparation, and the counts as
of the request:
- the page is kept with the reader's token read before it was rendered (papers.page_cache), and served
  only while it is the same: a change to what the reader sees about themselves (an upvote, a save, a
  renamed list, a re-rank) makes it stale, and the request renders as before;
- it is kept with the current model's id and the edit time of every paper it shows (the cards' and the
  ones their reasons name), read again with the counts: a newer model, or an edited or deleted paper,
  makes it stale. The catalogue's token is not part of it: an import adds a day's papers to listings and
  search, never to a prepared page (the reader's ranking is rows of the current model, and the papers it
  names are checked one by one);
- its upvote buttons are slots, filled per request from the counts just read: a button whose counts
  moved (anyone's upvote) is rendered again, so a count is never behind and other readers' votes do not
  make pages stale;
- "New since your last visit" depends on the visit: the page is kept with the `since` day it was
  rendered for, and served only to the visit that computes the same day.
Only the plain page (GET /feed/, not htmx, no query) is prepared; nothing is stored in a process. Should
the cache miss a token renewal (it was unreachable during a write), the write's re-rank, which is never
lost (recommender.outbox), prepares the page again once it runs, and stays in the outbox until it could
(recommender.rerank). A change that queues no re-rank (a list added, renamed or deleted) made while the
cache is unreachable can show late on a page prepared before it, until the reader's next re-rank or the
next night. With the cache unreachable, the feed renders as before.
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
from django.shortcuts import render
from django.urls import resolve, reverse
from django.utils import timezone

from papers import page_cache
from papers.model_rows import planned_once_cursor
from papers.models import Paper, Profile
from recommender.models import FeedImpression, ModelVersion

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
    # Not the catalogue's: an import that adds a day's papers changes no prepared page (the reader's
    # ranking is rows of the current model), and what does change one is checked per page instead
    # (its papers' edit times and the model version, `_serve`).
    return [page_cache.viewer_token_key(user_id)]


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
    from papers.feed.views.feed import feed_context  # the view module imports this one
    from recommender.feed_query import feed_page, feed_since

    if not enabled():
        return False
    key = _key(user)
    try:
        # Read before the page's data: a change committed after this read renews a token (never served).
        found = cache.get_many(_token_keys(user.pk))
    except Exception as error:
        raise NotKept(user.pk) from error
    tokens = [found.get(name) for name in _token_keys(user.pk)]
    # Read before the rows: a switch to a newer model after this read is noticed when it is served.
    version = ModelVersion.objects.current()
    # A reader without a profile yet has never opened the feed: their first visit gets one.
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    since = feed_since(profile, now=now)
    page = feed_page(user, since=since)
    entry = None
    if page.entries:
        reasons = [item.reason_paper for item in page.entries if item.reason_paper is not None]
        request = _request_for(user)
        request._prepared_feed = collected = PreparedRender()  # type: ignore[attr-defined]
        response = render(request, "feed/feed.html", feed_context(request, page))
        body = page_cache.stand_in_csrf_tokens(response.content)
        # The buttons' markup is compressed with the page, NUL-separated (nothing read from PostgreSQL
        # holds a NUL): twenty nearly identical buttons take ~1 KB so, against ~15 KB kept apart.
        markups = [markup.encode() for markup, *_ in collected.buttons.values()]
        entry = {
            "tokens": tokens,
            "since": since,
            "version": version.pk if version else None,
            "papers": [paper.pk for paper in page.papers],
            # Every paper whose text the page shows (the cards, and the papers their reasons name).
            "edited": {paper.pk: paper.updated_at for paper in [*page.papers, *reasons]},
            "buttons": {pk: tuple(state) for pk, (_, *state) in collected.buttons.items()},
            "body": page_cache.pack_body(b"\0".join([body, *markups])),
        }
    try:
        if entry is None:
            cache.delete(key)
        else:
            cache.set(key, entry, settings.FEED_PAGES_SECONDS)
    except Exception as error:
        raise NotKept(user.pk) from error
    return entry is not None


@dataclass(frozen=True)
class Prepared:
    pages: int  # readers who have a prepared page now
    not_kept: list[int]  # readers whose page could not be kept (NotKept): one kept before may be behind


def prepare_for(user_ids: Iterable[int]) -> Prepared:
    """Prepare these active readers' pages. A reader whose page fails is left to render their feed
    (logged); the others are prepared all the same."""
    pages, not_kept = 0, []
    for user in User.objects.filter(pk__in=list(user_ids), is_active=True):
        try:
            pages += prepare(user)
        except NotKept:
            logger.warning("feed page of user %s not kept: the cache is unreachable", user.pk)
            not_kept.append(user.pk)
        except Exception:
            logger.exception("feed page of user %s not prepared", user.pk)
    return Prepared(pages, not_kept)


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


def visit(request: HttpRequest) -> tuple[Profile, datetime.date]:
    """The reader's profile and this visit's `since` day, the visit recorded
    (recommender.feed_query.visit_feed) once per request, whether the prepared page or the view serves it."""
    from recommender.feed_query import visit_feed

    recorded: tuple[Profile, datetime.date] | None = getattr(request, "_feed_visit", None)
    if recorded is None:
        recorded = request._feed_visit = visit_feed(request.user)  # type: ignore[attr-defined,arg-type]
    return recorded


def _serve(request: HttpRequest) -> HttpResponse | None:
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
    # Recorded either way: the view, should the page not be served, takes the same visit (`visit`).
    _, since = visit(request)
    if since != entry["since"]:
        return None
    shown = shown_papers(user, entry["papers"], others=list(entry["edited"]), version=entry["version"])
    if shown.version != entry["version"] or shown.edited != entry["edited"]:
        return None  # a newer model, or an edited or deleted paper: rendered anew
    counts = shown.counts
    body, *markups = page_cache.unpack_body(entry["body"]).split(b"\0")
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


@dataclass(frozen=True)
class ShownPapers:
    """What a prepared page's papers are now."""

    version: int | None  # the current model's id
    counts: dict[int, tuple[int, int]]  # the page's papers' (upvote_count, source_upvotes)
    edited: dict[int, datetime.datetime]  # the `updated_at` of every paper asked for


# The page's impressions (recommender.feed_query.record_impressions) and its papers as they are now, in one
# statement. The impressions only while the page's model is the current one: else the page is rendered
# anew from the newer model's rows, and records what it shows itself.
_SHOWN_SQL = """
WITH shown AS (
    INSERT INTO {impression} (user_id, paper_id, seen_at)
    SELECT %(user)s, unnest(%(shown)s::bigint[]), %(now)s
    WHERE EXISTS (SELECT 1 FROM {version} v WHERE v.is_current AND v.id = %(version)s)
    ON CONFLICT DO NOTHING
)
SELECT p.id, p.upvote_count, p.source_upvotes, p.updated_at, (SELECT v.id FROM {version} v WHERE v.is_current)
FROM {paper} p WHERE p.id = ANY(%(papers)s)
"""


def shown_papers(user: User, paper_ids: list[int], *, others: list[int], version: int | None) -> ShownPapers:
    """Record that `user` was shown these papers (while `version` is current); what they and `others`
    are now."""
    from recommender.feed_query import record_impressions

    shown = set(paper_ids)
    if connection.vendor != "postgresql":
        current = ModelVersion.objects.current()
        papers = list(
            Paper.objects.filter(pk__in={*paper_ids, *others}).only(
                "upvote_count", "source_upvotes", "updated_at"
            )
        )
        if current is not None and current.pk == version:
            record_impressions(user, [paper for paper in papers if paper.pk in shown])
        rows = [(p.pk, p.upvote_count, p.source_upvotes, p.updated_at) for p in papers]
        current_id = current.pk if current else None
    else:
        quote = connection.ops.quote_name
        sql = _SHOWN_SQL.format(
            impression=quote(FeedImpression._meta.db_table),
            paper=quote(Paper._meta.db_table),
            version=quote(ModelVersion._meta.db_table),
        )
        params: dict[str, Any] = {
            "user": user.pk,
            "shown": paper_ids,
            "now": timezone.now(),
            "version": version,
        }
        with planned_once_cursor(connection) as cursor:
            cursor.execute(sql, params | {"papers": list({*paper_ids, *others})})
            fetched = cursor.fetchall()
        rows = [row[:4] for row in fetched]
        current_id = fetched[0][4] if fetched else None
    return ShownPapers(
        version=current_id,
        counts={pk: (upvotes, source) for pk, upvotes, source, _ in rows if pk in shown},
        edited={pk: updated for pk, _, _, updated in rows},
    )
