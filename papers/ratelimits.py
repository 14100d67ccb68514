"""How often the account pages may be used, and the client address those limits count by.

- Login: django-axes (settings AXES_*) locks a username out for one address after 5 failures in 15 minutes;
  `login_lockout_response` is the page it shows, `login_username` the username it counts.
- Password reset: 5 requests an hour from one address, and 5 an hour for one email address.
- Sign-up: 20 requests an hour from one address; at most 3 sign-up emails an hour to one email address,
  whichever of the two sign-up emails it is, so the limit says nothing about whether the address has an
  account.

Counts live in the default cache, which every process shares (see settings). While that cache is
unreachable (Redis down) the limits are not applied: see `_count`.
"""

from __future__ import annotations

import ipaddress
import logging
import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

PASSWORD_RESET_RATE_PER_ADDRESS = "5/h"
PASSWORD_RESET_RATE_PER_EMAIL = "5/h"
SIGNUP_RATE_PER_ADDRESS = "20/h"
SIGNUP_EMAILS_PER_EMAIL_ADDRESS = "3/h"
# An IPv6 client usually holds a whole /64; counting single addresses would let it rotate freely.
IPV6_PREFIX = 64


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the X-Forwarded-For entry the nearest trusted proxy added.

    Only the last TRUSTED_PROXY_COUNT entries of X-Forwarded-For were written by our proxies; anything to
    their left came from the client and could be anything, so it is never read. IPv6 addresses are
    reduced to their /64 network.
    """
    address = request.META.get("REMOTE_ADDR", "") or ""
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies and forwarded[-proxies]:
            address = forwarded[-proxies]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        # Not an address (a Unix socket, a broken header): one shared bucket, never an error.
        return "0.0.0.0"
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False).network_address)
    return str(parsed)


def _count(request: HttpRequest, *, group: str, value: str, rate: str) -> bool:
    """Count one more request for `value` in `group`; True when that goes over `rate`."""

    def key(_group: str, _request: HttpRequest) -> str:
        return value

    try:
        usage = get_usage(request, group=group, key=key, rate=rate, method="POST", increment=True)
    except RedisError as error:
        # Fail open. With Redis down (refusing connections, timing out, out of memory), refusing every
        # sign-up and password reset would take those pages down with the cache, and these limits only
        # stop email flooding: login guessing is limited by django-axes, in the database, which stays
        # on. The outage is logged on every request it lets through; counting resumes once Redis is back.
        logger.error("rate limit %s not counted, the cache failed: %s", group, error)
        return False
    return bool(usage and usage["should_limit"])


def password_reset_limited(request: HttpRequest) -> bool:
    """Count a password reset request; True when its address or its email address is over the limit."""
    by_address = _count(
        request,
        group="password-reset:address",
        value=client_ip(request),
        rate=PASSWORD_RESET_RATE_PER_ADDRESS,
    )
    email = request.POST.get("email", "").strip().lower()[:254]
    by_email = bool(email) and _count(
        request, group="password-reset:email", value=email, rate=PASSWORD_RESET_RATE_PER_EMAIL
    )
    return by_address or by_email


def signup_limited(request: HttpRequest) -> bool:
    """Count a sign-up request; True when its address is over the limit."""
    return _count(request, group="signup:address", value=client_ip(request), rate=SIGNUP_RATE_PER_ADDRESS)


def signup_email_allowed(request: HttpRequest, email: str) -> bool:
    """Count a sign-up email to `email`; False once that address has had its share this hour.

    Sign-up sends mail to an address anyone can type, so without this it could flood a stranger's inbox.
    """
    return not _count(
        request,
        group="signup:email",
        value=email.strip().lower()[:254],
        rate=SIGNUP_EMAILS_PER_EMAIL_ADDRESS,
    )


def too_many_requests(request: HttpRequest, *, what: str, retry_after_seconds: int = 3600) -> HttpResponse:
    """The 429 page for a limit that has been reached; `what` names the action, like "password resets"."""
    context = {"what": what, "minutes": math.ceil(retry_after_seconds / 60)}
    response = render(request, "registration/rate_limited.html", context, status=429)
    response["Retry-After"] = str(retry_after_seconds)
    return response


# The longest username django-axes can store: it keeps each failed login's username in a column of 255
# characters and does not cut it, so on PostgreSQL a longer one posted to the login form failed the
# insert (a 500). No account has one (usernames are at most 150 characters).
AXES_USERNAME_MAX_CHARS = 255


def login_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The username django-axes counts a login under (AXES_USERNAME_CALLABLE): the one axes itself would
    take (from the credentials, else the posted form), cut to what its tables hold."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")  # set by axes.conf
    username = credentials.get(field) if credentials else request.POST.get(field)
    return username[:AXES_USERNAME_MAX_CHARS] if isinstance(username, str) else username


def login_lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What django-axes answers a locked-out login with (AXES_LOCKOUT_CALLABLE): a 429 page that says why
    and for how long, whether or not the username exists."""
    cool_off = settings.AXES_COOLOFF_TIME
    seconds = int(cool_off.total_seconds())
    context = {"minutes": math.ceil(seconds / 60), "failure_limit": settings.AXES_FAILURE_LIMIT}
    response = render(request, "registration/lockout.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
