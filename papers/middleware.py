"""What a request gets while the database cannot be reached: a quick 503 page, not a traceback or a hang.

PostgreSQL restarting (an upgrade, a failover, a crash) makes every query fail with OperationalError or
InterfaceError until it is back. The site recovers by itself: Django drops a connection that failed,
and with CONN_HEALTH_CHECKS it checks a persistent connection before reusing it, so the first request
after the restart reconnects. Meanwhile the reader is told to try again shortly. The page is rendered
without a request context, so nothing in it can touch the database again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "database unavailable, answering %s %s with 503: %s", request.method, request.path, exception
        )
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
