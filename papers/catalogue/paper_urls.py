"""reverse() for the URLs every paper card carries, remembered.

A card holds about ten of them (its page, upvote, save, new list, not interested), and Django's reverse
costs some 40 µs each (resolver lookups, a regex check of the candidate), some two hundred times on a page
of cards. The answer depends only on the URL name,
the arguments, the URL configuration and the script prefix, all of which are in the keys, so a
remembered URL is never wrong; the memory is bounded and per process (a few MB at most), like Django's
own resolver caches.

Most of these URLs take one paper id. For those the URL is reversed once per name, around a probe id,
and every other id is written into the same place: that needs no memory per paper, and a paper's first
card pays no reverse. A route qualifies only when a second id lands exactly where the probe did (an
id converter that writes ids as they are); anything else (an arXiv id, which reverse quotes) is
reversed and remembered per argument.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

MAX_REMEMBERED = 50_000
_PROBE = 918_273_645
_CHECK = 7


@functools.lru_cache(maxsize=MAX_REMEMBERED)
def _reversed(name: str, args: tuple[int | str, ...], prefix: str, urlconf: str) -> str:
    return reverse(name, urlconf=urlconf, args=args)


@functools.lru_cache(maxsize=1024)
def _id_route(name: str, prefix: str, urlconf: str) -> tuple[str, str] | None:
    """The URL of `name` before and after its one id argument; None unless ids are written as is."""
    try:
        probe = reverse(name, urlconf=urlconf, args=(_PROBE,))
        check = reverse(name, urlconf=urlconf, args=(_CHECK,))
    except NoReverseMatch:
        return None
    before, found, after = probe.partition(str(_PROBE))
    if not found or check != f"{before}{_CHECK}{after}":
        return None
    return before, after


def paper_url(name: str, *args: int | str) -> str:
    """reverse(name, args=args), remembered."""
    prefix, urlconf = get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    if len(args) == 1 and type(args[0]) is int and args[0] >= 0:
        route = _id_route(name, prefix, urlconf)
        if route is not None:
            return f"{route[0]}{args[0]}{route[1]}"
    return _reversed(name, args, prefix, urlconf)
