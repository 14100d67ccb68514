"""reverse() for the URLs every paper card carries, remembered.

A card holds about ten of them (its page, upvote, save, new list, not interested), and Django's reverse
costs some 40 µs each (resolver lookups, a regex check of the candidate), a quarter of building a card.
The answer depends only on the URL name, the arguments, the URL configuration and the script prefix,
all of which are in the key, so a remembered URL is never wrong; the memory is bounded and per process
(a few MB at most), like Django's own resolver caches.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

MAX_REMEMBERED = 50_000


@functools.lru_cache(maxsize=MAX_REMEMBERED)
def _reversed(name: str, args: tuple[int | str, ...], prefix: str, urlconf: str) -> str:
    return reverse(name, urlconf=urlconf, args=args)


def paper_url(name: str, *args: int | str) -> str:
    """reverse(name, args=args), remembered."""
    return _reversed(name, args, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
