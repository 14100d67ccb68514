"""Small readers for the feed's HTML."""

from __future__ import annotations

import re

from django.http import HttpResponse

_FEED_CARD = re.compile(r'<li class="feed-card" id="feed-card-(\d+)"')


def feed_card_ids(response: HttpResponse) -> list[int]:
    """The papers of the feed cards in the response, in page order (dismissed notices left out)."""
    return [int(pk) for pk in _FEED_CARD.findall(response.content.decode())]
