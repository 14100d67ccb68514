"""Filters and tags for showing papers: author lines, search highlights, page links."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from papers import cards
from papers.models import Paper
from papers.search import HIGHLIGHT_START, HIGHLIGHT_STOP

register = template.Library()


@register.filter
def highlight(text: str) -> SafeString:
    """Escape `text`, then turn the search highlight sentinels into <mark> tags.

    Escaping comes first, so whatever a paper's title or abstract contains is shown as text; only the
    sentinels, which the search put there, become markup.
    """
    escaped = escape(text or "")
    if escaped.count(HIGHLIGHT_START) != escaped.count(HIGHLIGHT_STOP):
        # Unbalanced (the text itself held a sentinel): show it plain rather than risk stray tags.
        return mark_safe(escaped.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_STOP, ""))
    return mark_safe(escaped.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>"))


@register.filter
def author_summary(paper: Paper, limit: int = 3) -> str:
    """ "Ada Lovelace, Alan Turing et al.", or "12 authors" when a source gave only the count."""
    names = [name for name in (paper.authors or []) if isinstance(name, str)]
    if names:
        shown = ", ".join(names[:limit])
        return f"{shown} et al." if len(names) > limit else shown
    if paper.author_count:
        return f"{paper.author_count} author{'s' if paper.author_count != 1 else ''}"
    return ""


@register.filter
def paragraphs(text: str) -> list[str]:
    """Split on blank lines; single line breaks are the source's hard wrapping, so they become spaces."""
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text or "") if block.strip()]


@register.filter
def is_web_address(value: str) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://"))


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], number: int) -> str:
    """This page's URL with `?page=` set to `number` (dropped for page 1); other parameters kept."""
    request: HttpRequest = context["request"]
    params = request.GET.copy()
    params.pop("page", None)
    if number > 1:
        params["page"] = str(number)
    query = params.urlencode()
    return f"{request.path}?{query}" if query else request.path


@register.simple_tag(takes_context=True)
def paper_cards(context: Any, papers: Any) -> list[SafeString]:
    """`{% paper_cards papers as cards %}`: the papers' cards, from the shared cache (papers.cards)."""
    return cards.paper_cards(context, papers)


@register.simple_tag(takes_context=True)
def feed_cards(context: Any, entries: Any) -> list[SafeString]:
    """`{% feed_cards page.entries as cards %}`: a feed page's cards, from the shared cache (papers.cards)."""
    return cards.feed_cards(context, entries)
