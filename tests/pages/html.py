"""Small readers for the HTML the pages return."""

from __future__ import annotations

import re

from django.http import HttpResponse

_CARD_ID = re.compile(r'id="paper-card-(\d+)"')


def card_ids(response: HttpResponse) -> list[int]:
    """The primary keys of the paper cards on a page, in page order."""
    return [int(pk) for pk in _CARD_ID.findall(response.content.decode())]


def text(response: HttpResponse) -> str:
    return response.content.decode()
