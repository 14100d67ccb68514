"""Whole pages kept in the shared cache for the reader who saw them, and dropped the moment they would lie.

The feed, the daily listings and the paper page are read far more often than anything on them changes:
a reader reloads, goes back, opens the next day, comes back to the feed. Rendering one costs 10 to 15 ms of
CPU (the listing query, model instances, the page template); sending a stored copy costs two reads of
the shared cache and no query beyond the session and user. So a page is stored per reader and address,
and served again while it is still true.

A stored page remembers the *tokens* it was rendered under, and is served only while they are all the
same. Whatever changes what a page shows sets a new token (`touch_*`):
- the reader's own state (upvotes, saves, lists, dismissals, topics, their re-ranked feed): their viewer
  token, from `user_signals_changed` and from saves of their lists and profile;
- what the catalogue holds (an import adds a day's papers or changes some, the nightly run switches the
  model and with it the similar-papers lists, an admin edit): the catalogue token;
- a paper's upvote count (anyone's upvote): that paper's token. A page remembers the token of every paper
  it shows, so a count on a stored page is never behind.
Time is the last limit: the feed's "new since your last visit" holds until the visit is an hour old (the
view says so with `valid_until`), and no page is kept longer than PAGE_CACHE_SECONDS.

A token is a random value, set on every change, never a counter; a key never set reads as None. A token
is set both at once and when the transaction commits: at once, so the same transaction's next read (a
test, a view that writes then renders) misses; on commit, so a page that another request rendered from
the data as it was before the commit, and stored in between, is dropped too. Should the cache evict a
token, or miss a change while it is unreachable, a stored page can lag by PAGE_CACHE_SECONDS at most.

What is never stored: anything but a plain 200 GET of a whole page (htmx fragments render every time),
and a page rendered while the reader had flash messages waiting (they belong to one response). The CSRF
tokens in a stored page are replaced with a fresh one per response (they are masked per response), and
the key includes the reader's CSRF secret, so a page only ever goes to the browser session whose secret
its forms carry. With the cache unreachable every page renders as if nothing were stored.

The first view of a listing or paper page by a reader without dismissals is itself cheap: it is a copy
shared by all such readers, filled in for them (papers.shared_pages), and then stored for them here.

Everything lives in the shared cache (Redis in production): any web process serves what another stored,
and a write in any process or worker is seen by all of them.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from lz4 import frame as lz4_frame

from papers.model_rows import ModelColumns
from papers.models import Paper, Profile, ReadingList
from papers.signals import user_signals_changed

logger = logging.getLogger(__name__)

CATALOGUE_TOKEN_KEY = "page-cache:catalogue"
# Tokens outlive any entry; an evicted one is simply replaced (see the module docstring).
TOKEN_SECONDS = 30 * 24 * 3600
CSRF_STAND_IN = b"csrf-token-stand-in"
# How stored bodies are compressed; part of every stored page's key, so a process that stores them
# otherwise never reads them.
BODY_FORMAT = "lz4"
# The two shapes a masked CSRF token takes in our pages: a form's hidden input, and base.html's
# hx-headers. Masked tokens are 64 letters and digits. Two patterns, each starting with its literal text,
# rather than one alternation: the regex engine then skips ahead to each literal, which makes a scan of a
# 170 KB page ~8x faster (0.2 instead of 1.6 ms).
_CSRF_TOKENS = (
    re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"'),
    re.compile(rb'"X-CSRFToken": "([A-Za-z0-9]{64})"'),
)
# What a page shows of a paper that anyone's action changes (papers.model_rows: read on every stored
# render, where the ORM took ~1.3 ms of CPU to build and compile the query for a page's twenty ids).
_NUMBERS = ModelColumns(Paper, "p", fields={"id", "upvote_count", "source_upvotes", "updated_at"})


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def viewer_token_key(user_id: int) -> str:
    return f"page-cache:viewer:{user_id}"


def _paper_token_key(paper_id: int) -> str:
    return f"page-cache:paper:{paper_id}"


# --- Invalidation ----------------------------------------------------------------------------------------


def _renew(keys: list[str]) -> None:
    try:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, TOKEN_SECONDS)
    except Exception:
        # The cache is only a shortcut; a page that missed this change expires within PAGE_CACHE_SECONDS.
        logger.warning("page cache unavailable; could not renew %s", keys, exc_info=True)


def _renew_now_and_on_commit(keys: list[str]) -> None:
    if not enabled() or not keys:
        return
    _renew(keys)
    transaction.on_commit(lambda: _renew(keys))


def touch_viewer(user_id: int | None) -> None:
    """The reader's stored pages are stale: something they see about themselves changed."""
    if user_id is not None:
        _renew_now_and_on_commit([viewer_token_key(user_id)])


def touch_papers(paper_ids: Iterable[int]) -> None:
    """Every stored page that shows one of these papers is stale (their upvote counts changed)."""
    _renew_now_and_on_commit([_paper_token_key(pk) for pk in paper_ids])


def touch_catalogue() -> None:
    """Every stored page is stale: what the catalogue lists or recommends changed."""
    _renew_now_and_on_commit([CATALOGUE_TOKEN_KEY])


def _touch_owner(sender: Any, instance: Any, **kwargs: Any) -> None:
    touch_viewer(getattr(instance, "owner_id", None) or getattr(instance, "user_id", None))


def _touch_catalogue(sender: Any, **kwargs: Any) -> None:
    touch_catalogue()


def _on_user_signals_changed(sender: Any, user_id: int, **kwargs: Any) -> None:
    touch_viewer(user_id)


def connect_signals() -> None:
    """Upvotes, saves, reading statuses and dismissals all go through `user_signals_changed` (their
    functions send it, bulk writes included). Lists and profiles are saved one row at a time, so model
    signals catch every change to them (a list's name shows in the save menus)."""
    for model in (ReadingList, Profile):
        post_save.connect(_touch_owner, sender=model, dispatch_uid=f"page-cache-{model.__name__}")
    post_delete.connect(_touch_owner, sender=ReadingList, dispatch_uid="page-cache-list-deleted")
    post_save.connect(_touch_catalogue, sender=Paper, dispatch_uid="page-cache-paper-saved")
    post_delete.connect(_touch_catalogue, sender=Paper, dispatch_uid="page-cache-paper-deleted")
    user_signals_changed.connect(_on_user_signals_changed, dispatch_uid="page-cache-user-signals")


# --- Serving ---------------------------------------------------------------------------------------------


def shows_papers(request: HttpRequest, papers: Iterable[Paper]) -> None:
    """Called by whatever puts papers on a page (cards, the paper page): a stored copy of the page is
    served only while none of these papers has changed."""
    shown = getattr(request, "_page_cache_papers", None)
    if shown is not None:
        for paper in papers:
            shown[paper.pk] = _numbers(paper.upvote_count, paper.source_upvotes, paper.updated_at)


def _numbers(upvotes: int, source_upvotes: int, updated_at: Any) -> tuple[int, int, float | None]:
    return upvotes, source_upvotes, updated_at.timestamp() if updated_at else None


def current_numbers(paper_ids: Iterable[int]) -> dict[int, tuple[int, int, float | None]]:
    ids = list(paper_ids)
    if not ids:
        return {}
    papers = _NUMBERS.fetch(
        connection,
        f"SELECT {_NUMBERS.select(connection)} FROM {_NUMBERS.table(connection)} "
        f"WHERE p.id IN ({', '.join(['%s'] * len(ids))})",
        ids,
    )
    return {p.pk: _numbers(p.upvote_count, p.source_upvotes, p.updated_at) for p in papers}


def served_numbers(
    request: HttpRequest, numbers: dict[int, tuple[Any, ...]], tokens: dict[int, str | None]
) -> None:
    """The page shows these papers' numbers, checked against these tokens (papers.shared_pages): the
    reader's stored copy keeps both, instead of reading them again."""
    shown = getattr(request, "_page_cache_papers", None)
    if shown is not None:
        shown.update(numbers)
        request._page_cache_paper_tokens = tokens  # type: ignore[attr-defined]


def valid_until(request: HttpRequest, timestamp: float) -> None:
    """The page is true until `timestamp` (Unix time) at the latest."""
    current = getattr(request, "_page_cache_until", None)
    if current is not None:
        request._page_cache_until = min(current, timestamp)  # type: ignore[attr-defined]


def cache_key(prefix: str, *parts: object) -> str:
    """`prefix` and a digest of `parts`: a short key for an identity of any length (a full path)."""
    identity = "\n".join(map(str, parts)).encode()
    return prefix + hashlib.blake2b(identity, digest_size=16).hexdigest()


def _page_key(request: HttpRequest, viewer: str) -> str:
    secret = request.META.get("CSRF_COOKIE") or ""
    return cache_key("page-cache:page:", BODY_FORMAT, viewer, secret, request.get_full_path())


def cacheable_request(request: HttpRequest) -> bool:
    if request.method != "GET" or getattr(request, "htmx", False):
        return False
    # Flash messages are shown once, by whichever response renders them.
    return not len(messages.get_messages(request))


def paper_tokens(paper_ids: Iterable[int]) -> dict[int, str | None]:
    keys = {pk: _paper_token_key(pk) for pk in paper_ids}
    found = cache.get_many(list(keys.values())) if keys else {}
    return {pk: found.get(key) for pk, key in keys.items()}


def per_viewer(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's whole-page GETs from the shared cache while they are true (module docstring)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not enabled() or not cacheable_request(request):
            return view(request, *args, **kwargs)
        user_id = request.user.pk if request.user.is_authenticated else None
        token_keys = [CATALOGUE_TOKEN_KEY] + ([viewer_token_key(user_id)] if user_id is not None else [])
        viewer = str(user_id or "anonymous")
        page_key = _page_key(request, viewer)
        try:
            found = cache.get_many([*token_keys, page_key])
            tokens = [found.get(key) for key in token_keys]
            entry = found.get(page_key)
            if entry is not None and is_current(entry, tokens):
                return _response(request, entry["body"])
        except Exception:
            logger.warning("page cache unavailable; rendering %s", request.path, exc_info=True)
            return view(request, *args, **kwargs)

        request._page_cache_papers = {}  # type: ignore[attr-defined]
        request._page_cache_until = time.time() + settings.PAGE_CACHE_SECONDS  # type: ignore[attr-defined]
        response = view(request, *args, **kwargs)
        if storable(response):
            # Keyed by the CSRF secret as it is now: a first visit's render has just made one.
            _store(request, _page_key(request, viewer), tokens, response)
        return response

    return wrapper


def is_current(entry: dict[str, Any], tokens: list[str | None]) -> bool:
    """Whether a stored page was made under these tokens, is within its time, and shows no paper that
    changed since."""
    return (
        entry["tokens"] == tokens
        and entry["until"] > time.time()
        and paper_tokens(entry["papers"]) == entry["papers"]
    )


def storable(response: HttpResponse) -> bool:
    """A whole HTML page as any viewer gets it (no cookie of its own)."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").split(";")[0] == "text/html"
    )


def checked_paper_tokens(shown: dict[int, tuple[Any, ...]]) -> dict[int, str | None] | None:
    """The tokens of the papers a page shows, for storing it; None when one of their numbers moved
    during the render (the page must not be stored).

    The tokens are read first, then the numbers: a vote committed after the render read a count either
    shows in the numbers or renews a token after this read (the stored page never matches).
    """
    papers = paper_tokens(shown)
    if shown and current_numbers(shown) != shown:
        return None
    return papers


def stored_body(response: HttpResponse) -> bytes:
    """A page as kept: the bytes sent, so a hit neither decodes nor encodes it, with its CSRF tokens
    stood in for, compressed (a feed page of 20 cards is ~120 KB of HTML, ~20 KB stored; LZ4 takes
    0.03 ms to store it and 0.01 ms to read it, where zlib's fastest level took 0.35 and 0.07 ms)."""
    # A filled shared copy had its stand-ins until `response_with_csrf`: no need to look for tokens.
    body = getattr(response, "_stand_in_body", None)
    return pack_body(body if body is not None else stand_in_csrf_tokens(response.content))


def pack_body(body: bytes) -> bytes:
    """`body` compressed as every kept page is (BODY_FORMAT, which their keys name)."""
    return lz4_frame.compress(body)


def unpack_body(stored: bytes) -> bytes:
    """The page `pack_body` kept."""
    return lz4_frame.decompress(stored)


def _response(request: HttpRequest, stored: bytes) -> HttpResponse:
    return response_with_csrf(request, unpack_body(stored))


def response_with_csrf(request: HttpRequest, body: bytes) -> HttpResponse:
    """A page whose CSRF tokens were stood in for (`stand_in_csrf_tokens`), with a fresh one."""
    # get_token only where a form needs it: it marks the response as one that sets the CSRF cookie.
    sent = body.replace(CSRF_STAND_IN, get_token(request).encode()) if CSRF_STAND_IN in body else body
    response = HttpResponse(sent)
    response._stand_in_body = body  # type: ignore[attr-defined]
    return response


def stand_in_csrf_tokens(body: bytes) -> bytes:
    for token in {token for pattern in _CSRF_TOKENS for token in pattern.findall(body)}:
        body = body.replace(token, CSRF_STAND_IN)
    return body


def _store(request: HttpRequest, key: str, tokens: list[str | None], response: HttpResponse) -> None:
    until: float = request._page_cache_until  # type: ignore[attr-defined]
    seconds = int(until - time.time())
    if seconds <= 0:
        return
    shown: dict[int, tuple[Any, ...]] = request._page_cache_papers  # type: ignore[attr-defined]
    try:
        # A shared copy's fill already checked its papers' tokens (`served_numbers`).
        papers = getattr(request, "_page_cache_paper_tokens", None)
        if papers is None:
            papers = checked_paper_tokens(shown)
        if papers is None:
            return
        body = stored_body(response)
        cache.set(key, {"tokens": tokens, "until": until, "papers": papers, "body": body}, seconds)
    except Exception:
        logger.warning("page cache unavailable; %s not stored", request.path, exc_info=True)
