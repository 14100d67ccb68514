"""Small readers for the HTML the pages return."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpResponse

_CARD_ID = re.compile(r'id="paper-card-(\d+)"')


def card_ids(response: HttpResponse) -> list[int]:
    """The primary keys of the paper cards on a page, in page order."""
    return [int(pk) for pk in _CARD_ID.findall(response.content.decode())]


def text(response: HttpResponse) -> str:
    return response.content.decode()


_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_HX_HEADERS_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


def csrf_tokens(response: HttpResponse) -> set[str]:
    """Every CSRF token on a page: its forms' and the one htmx sends (base.html's hx-headers)."""
    return set(_CSRF_INPUT.findall(text(response))) | set(_HX_HEADERS_TOKEN.findall(text(response)))


def upvote_count(response: HttpResponse, paper: Any) -> int:
    button = re.search(
        rf'id="upvote-button-{paper.pk}".*?<span class="upvote__count">(\d+)</span>', text(response), re.S
    )
    assert button, f"no upvote button for paper {paper.pk}"
    return int(button.group(1))


def upvoted(response: HttpResponse, paper: Any) -> bool:
    """Whether the page shows the viewer's upvote of `paper` as pressed."""
    button = re.search(rf'id="upvote-toggle-{paper.pk}"[^>]*aria-pressed="(\w+)"', text(response))
    assert button, f"no upvote button for paper {paper.pk}"
    return button.group(1) == "true"
