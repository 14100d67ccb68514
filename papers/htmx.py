"""How views tell an HTMX fragment request from a page request."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through HtmxMiddleware (for type checkers)."""

    htmx: HtmxDetails


def wants_fragment(request: HtmxHttpRequest, *, target: str | None = None) -> bool:
    """True for an HTMX request (aimed at `target`, when given) that will swap part of the page.

    A history-restore request wants the whole page even though htmx may mark it as an HTMX request.
    """
    if not request.htmx or request.htmx.history_restore_request:
        return False
    return target is None or request.htmx.target == target
