"""The site's own middleware: what every request gets, whichever view answers it.

`RefuseNulMiddleware`: a NUL character in the path, the query string, a form value or a cookie is
answered 400 before anything reads it. PostgreSQL text cannot hold a NUL, so any query given one fails
(a 500): /abs/%00/, ?token=%00, a session cookie with \000. No page or form here uses one, so one check
before every view is simpler and surer than a check in each URL converter and form: the URL converters
see only the path, and a new view would be one more place to remember.

`NoStoreWhenLoggedInMiddleware`: every response to a logged-in reader is about that reader (their lists,
notes, feed tokens, upvotes, name in the header), so it says `Cache-Control: private, no-store` (Django's
`never_cache` headers): no shared cache, proxy or browser keeps it. One rule here rather than a decorator
on each private view: Django's own views (password change) and every new view are covered without anyone
remembering. Pages for visitors who
are not logged in stay cacheable.

`DatabaseUnavailableMiddleware`: what a request gets while the database cannot be reached, a quick 503
page instead of a traceback or a hang.

PostgreSQL restarting (an upgrade, a failover, a crash) makes every query fail with OperationalError or
InterfaceError until it is back. The site recovers by itself: Django drops a connection that failed,
and with CONN_HEALTH_CHECKS it checks a persistent connection before reusing it, so the first request
after the restart reconnects. Meanwhile the reader is told to try again shortly. The page is rendered
without a request context, so nothing in it can touch the database again.

Two ways in, one answer (`database_unavailable`): the middleware's `process_exception` for errors raised
by a view (it answers before Django logs a server error, and with DEBUG on too), and the site's
handler500 (`server_error`) for errors raised by a middleware after the view, which no view hook sees.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
NUL = "\x00"
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if holds_nul(request):
            # Django logs the 400 as a warning, like every bad request.
            return HttpResponseBadRequest(render_to_string("400_nul.html"))
        return self.get_response(request)


def holds_nul(request: HttpRequest) -> bool:
    """Whether the path, a query parameter, a form field (name or value) or a cookie holds a NUL.

    Uploaded files are not looked at: their bytes are read by the import, which refuses binary data."""
    parameters = [request.GET]
    if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
        parameters.append(request.POST)
    texts = [request.path, *request.COOKIES.keys(), *request.COOKIES.values()]
    texts += [text for query in parameters for key, values in query.lists() for text in (key, *values)]
    return any(NUL in text for text in texts)


class NoStoreWhenLoggedInMiddleware:
    """After AuthenticationMiddleware, which gives the request its user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The user as the response leaves: logging in makes the answer private, logging out does not.
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return database_unavailable(request, exception)


def database_unavailable(request: HttpRequest, exception: BaseException | None) -> HttpResponse | None:
    """The 503 page when `exception` says the database cannot be reached, else None."""
    if not isinstance(exception, OperationalError | InterfaceError):
        return None
    logger.error(
        "database unavailable, answering %s %s with 503: %s", request.method, request.path, exception
    )
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. A middleware's own query after the view (the session saved on the way out) fails
    outside any view, where `process_exception` never sees it: Django answers with this handler while
    the exception is still being handled, so the reader gets the 503 page there too."""
    return database_unavailable(request, sys.exc_info()[1]) or defaults.server_error(request)
