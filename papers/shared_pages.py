"""Pages every reader sees alike but for their own parts: rendered once, filled in for each reader.

A day's listing, trending and a paper page show the same papers in the same order to every reader who
has dismissed nothing. What differs is small: the account links in the header, and on each card and on
the paper page the reader's upvote and saves. Rendering the whole page per reader costs 20-25 ms of CPU
(queries, model instances, templates), which caps first views near 60 pages a second on two cores. So
such a page is rendered once for a *stand-in reader* (an unsaved user without a name, upvotes or lists),
with the reader's parts left as <!--slots--> naming what goes there, kept in the shared cache, and filled
in for each reader from one query of their state (papers.feed.user_state) and a few small partials.

Nothing of one reader can reach another: the shared copy is rendered with `request.user` set to the
stand-in, so whatever a template prints about "the user" is the stand-in's; a part that was not made a
slot would show the stand-in's empty state on every copy (a visible bug, never a leak). CSRF tokens are
replaced per response, as for stored pages.

A copy is served only while it is true, by the same tokens as a reader's stored page (papers.page_cache):
the catalogue's, and one per paper shown (its upvote count). Readers who dismissed papers see listings
without them, so their pages are rendered for them (and then stored for them as before). Only GETs of
whole pages come here; anything else renders as usual, as does everything while the cache is
unreachable. Visitors who are not logged in get a copy of their own kind (their controls lead to the
login page), so a new visitor's first view of a page, the commonest request of a launch day, is a
fill too.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.html import escape

from papers import page_cache
from papers.feed.user_state import UserPaperState

logger = logging.getLogger(__name__)

# The stand-in reader's name, which the copy shows where the reader's goes (the account links): NUL
# cannot occur in anything read from PostgreSQL, so nothing else on a page can look like it.
READER_NAME = "\x00reader-name\x00"
# Card slots name their paper (`upvote-button:42`); the paper page's own controls are slots like a
# card's (papers.cards.shared_paper_actions).
_SLOT = re.compile(rb"<!--(upvote-button|quick-save|save-menu-summary|save-menu-choices):(\d+)-->")
# Part of every copy's key: a copy whose slots an older version of this module made is never filled.
COPY_FORMAT = 2


@dataclass
class SharedRender:
    """What the render of a shared copy collects for filling it in later."""

    # Each card's cached variants of the reader's controls (papers.cards.VIEWER_VARIANTS), by paper (the
    # paper page's own controls too).
    cards: dict[int, dict[str, str]] = field(default_factory=dict)


def rendering(request: HttpRequest) -> SharedRender | None:
    """What is being collected, while a shared copy is rendered for this request; else None."""
    return getattr(request, "_shared_render", None)


def card_slot(name: str, paper_id: int) -> str:
    return f"<!--{name}:{paper_id}-->"


def _stand_in() -> User:
    # pk 0 is never a user's: every query about the stand-in's upvotes, lists or dismissals finds none.
    return User(pk=0, username=READER_NAME)


def _key(request: HttpRequest, reader: bool) -> str:
    # Readers and visitors who are not logged in see different controls: one copy for each.
    return page_cache.cache_key(
        "page-cache:shared:",
        page_cache.BODY_FORMAT,
        COPY_FORMAT,
        "reader" if reader else "visitor",
        request.get_full_path(),
    )


def alike_for_readers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve readers without dismissals, and visitors who are not logged in, a shared copy of the page
    (one for each kind), filled in for them.

    Goes under `page_cache.per_viewer`, which stores the filled page for the reader as usual.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not page_cache.enabled() or not page_cache.cacheable_request(request):
            return view(request, *args, **kwargs)
        reader = request.user.is_authenticated
        key = _key(request, reader)
        try:
            found = cache.get_many([page_cache.CATALOGUE_TOKEN_KEY, key])
            tokens = [found.get(page_cache.CATALOGUE_TOKEN_KEY)]
            entry = found.get(key)
            valid = entry is not None and page_cache.is_current(entry, tokens)
        except Exception:
            logger.warning("page cache unavailable; rendering %s", request.path, exc_info=True)
            return view(request, *args, **kwargs)
        if not valid:
            # The copy is the stand-in's whoever asks, so it is made (and kept for the next reader)
            # even when the fill then finds that this reader's page is their own.
            entry = _render(request, view, args, kwargs, key, tokens)
        if entry is None:
            return view(request, *args, **kwargs)
        # A reader who dismissed papers sees listings without them: their page is their own.
        return _fill(request, entry) or view(request, *args, **kwargs)

    return wrapper


def _render(
    request: HttpRequest,
    view: Callable[..., HttpResponse],
    args: Any,
    kwargs: Any,
    key: str,
    tokens: list[str | None],
) -> dict[str, Any] | None:
    """Render the shared copy for the stand-in; store it when its numbers held still. None when the
    view answered with anything but a page (a redirect, a 404): the reader then gets their own render."""
    shared = SharedRender()
    reader = request.user
    shown: dict[int, tuple[Any, ...]] = {}
    kept = getattr(request, "_page_cache_papers", None)
    # A visitor who is not logged in has nothing of their own to stand in for.
    stand_in = _stand_in() if reader.is_authenticated else reader
    request.user, request._shared_render, request._page_cache_papers = stand_in, shared, shown  # type: ignore[attr-defined]
    try:
        response = view(request, *args, **kwargs)
    finally:
        request.user = reader
        del request._shared_render  # type: ignore[attr-defined]
        request._page_cache_papers = kept  # type: ignore[attr-defined]
    if not page_cache.storable(response):
        return None
    entry: dict[str, Any] = {
        "tokens": tokens,
        "until": time.time() + settings.PAGE_CACHE_SECONDS,
        "papers": None,  # not known to match the numbers (yet): used for this response only
        "numbers": shown,
        "cards": shared.cards,
        "body": page_cache.stored_body(response),
    }
    try:
        entry["papers"] = page_cache.checked_paper_tokens(shown)
        if entry["papers"] is not None:
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
    except Exception:
        logger.warning("page cache unavailable; shared copy of %s not stored", request.path, exc_info=True)
    return entry


def _fill(request: HttpRequest, entry: dict[str, Any]) -> HttpResponse | None:
    """The copy filled in for the reader; None for a reader who dismissed papers (their page is their
    own: the same query that reads their state says so)."""
    from papers.cards import ViewerSlots  # papers.cards imports this module

    paper_ids = list(entry["cards"])
    state = UserPaperState.for_papers(request.user, paper_ids, dismissals=True)
    if state.has_dismissals:
        return None
    viewer_slots = ViewerSlots(state)
    cards: dict[int, dict[str, str]] = {}

    def slot(match: re.Match[bytes]) -> bytes:
        name, paper_id = match.group(1).decode(), int(match.group(2))
        if paper_id not in cards:
            cards[paper_id] = viewer_slots(entry["cards"][paper_id].__getitem__, paper_id)
        return cards[paper_id][name].encode()

    # Apart, not as one alternation: a pattern that starts with its literal lets the regex engine skip
    # ahead to each "<!--" (papers.page_cache says by how much), and bytes.replace is faster still.
    body = _SLOT.sub(slot, page_cache.unpack_body(entry["body"]))
    body = body.replace(READER_NAME.encode(), escape(request.user.get_username()).encode())
    # The reader's own stored copy (papers.page_cache) holds the numbers and tokens this copy was
    # checked against, so it goes stale with it.
    if entry["papers"] is not None:
        page_cache.served_numbers(request, entry["numbers"], entry["papers"])
    else:
        page_cache.valid_until(request, 0)  # numbers that moved during the render: never stored
    return page_cache.response_with_csrf(request, body)
