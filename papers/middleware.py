"""What a request gets while the database cannot be reached: a quick 503 page, not a traceback or a hang.

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
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


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
