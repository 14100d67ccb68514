"""Where a POST sends the user back to, and how actions send anonymous visitors to log in first."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from papers.htmx import HtmxHttpRequest


class AuthenticatedRequest(HtmxHttpRequest):
    """A request to a view behind login_required or login_required_for_action (for type checkers)."""

    user: User


def local_path(request: HttpRequest, url: str | None) -> str | None:
    """`url` as a path on this site (query kept), or None when it names anything else.

    Every address the client sends back to be returned to (a form's `next`, htmx's HX-Current-URL,
    sign-up's `?next=`) goes through here. Django's check takes an absolute URL of our own host, such as
    `http://<host>//evil.example/x`; its path alone would be a scheme-relative address of another site,
    so the path is checked again as the relative address it becomes. A value that is not a path ("foo",
    a URL name) names no page and is refused too.
    """
    if not url or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(url)
    path = f"{parts.path}?{parts.query}" if parts.query else parts.path
    if not path.startswith("/") or not url_has_allowed_host_and_scheme(path, allowed_hosts=set()):
        return None
    return path


def return_path(request: HtmxHttpRequest, default: str) -> str:
    """The page the user acted on: htmx's HX-Current-URL, else the form's `next`, else `default`."""
    if request.htmx:
        path = local_path(request, request.htmx.current_url)
        if path:
            return path
    return local_path(request, request.POST.get("next")) or default


def login_url_returning_to(path: str) -> str:
    # Slashes left as they are, like django.contrib.auth's own redirects.
    return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': path}, safe='/')}"


def login_required_for_action(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like login_required, for actions: after logging in the user returns to the page they acted on,
    not to the action's URL (which only answers POST). htmx gets a client-side redirect, since a 302
    would be followed inside the XHR and the login page swapped into a button.
    """

    @wraps(view)
    def wrapper(request: HtmxHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method in ("GET", "HEAD") and not request.htmx:
            back = request.get_full_path()
        else:
            back = return_path(request, resolve_url(settings.LOGIN_REDIRECT_URL))
        login_url = login_url_returning_to(back)
        if request.htmx:
            return HttpResponseClientRedirect(login_url)
        return redirect(login_url)

    return wrapper
