"""Filters and tags for showing papers in Django templates: author lines, page links, and the parts of a
paper card (templates/papers/_paper_card.html) that are easier said in Python."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from django import template
from django.http import HttpRequest
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from papers.catalogue import paper_urls
from papers.catalogue.authors import author_url
from papers.catalogue.search import highlight
from papers.feed.user_state import CardState, UserPaperState
from papers.models import Paper

if TYPE_CHECKING:
    from recommender.feed_query import FeedEntry

register = template.Library()

# A card shows the start of the abstract; CSS clips it to three lines, this only keeps the page small.
ABSTRACT_CHARS = 600


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
def author_links(paper: Paper, limit: int = 3) -> SafeString:
    """`author_summary` with each name a link to its author page (papers.catalogue.authors); every name
    when `limit` is 0 (the paper page)."""
    names = [name for name in (paper.authors or []) if isinstance(name, str)]
    if not names:
        return conditional_escape(author_summary(paper))
    shown = names[:limit] if limit > 0 else names
    links = []
    for name in shown:
        url = author_url(name)
        links.append(format_html('<a href="{}">{}</a>', url, name) if url else conditional_escape(name))
    text = mark_safe(", ".join(links))  # each part escaped above
    return format_html("{} et al.", text) if len(names) > len(shown) else text


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


@register.simple_tag
def paper_url(name: str, pk: int) -> str:
    """`{% paper_url 'papers:paper_upvote' paper.pk as url %}`: reverse() for a card's URLs, remembered
    (papers.paper_urls: a page of cards carries some two hundred of them)."""
    return paper_urls.paper_url(name, pk)


@register.simple_tag(takes_context=True)
def paper_state(context: template.Context, paper: Paper) -> CardState:
    """`{% paper_state paper as state %}`: the viewer's upvote and saves for one card, from the
    `user_state` the view read for all the papers it shows. A view that forgot to pass one still renders
    correct cards, at a few queries per card; each page's query count test is what catches that."""
    state = context.get("user_state")
    if not isinstance(state, UserPaperState):
        state = UserPaperState.for_papers(context.get("user"), [paper])
    return state.card(paper)


def clipped(text: str, length: int) -> str:
    """Django's truncatechars: `text` cut to `length` characters, "…" included, without Truncator's walk
    through the text in Python (most of a feed card's render for a 600-character abstract).

    Combining marks count as nothing to Truncator; a text whose first `length` + 1 characters hold
    one goes to Truncator itself (a test holds the two equal on any text).
    """
    text = unicodedata.normalize("NFC", text)
    if len(text) <= length:
        return text
    if length < 2 or any(map(unicodedata.combining, text[: length + 1])):
        return Truncator(text).chars(length)
    return f"{text[: length - 1]}…"


@register.simple_tag
def card_title(paper: Paper) -> SafeString:
    """A card's title, highlighted for a search result (only search results carry a headline)."""
    if headline := getattr(paper, "title_headline", ""):
        return highlight(headline)
    return conditional_escape(paper.title)


@register.simple_tag
def card_abstract(paper: Paper) -> SafeString:
    """A card's abstract: a search result's excerpt with highlights, else the abstract's start."""
    if headline := getattr(paper, "abstract_headline", ""):
        return format_html(
            '<p class="paper-card__abstract paper-card__abstract--excerpt">{}</p>', highlight(headline)
        )
    if paper.abstract:
        return format_html('<p class="paper-card__abstract">{}</p>', clipped(paper.abstract, ABSTRACT_CHARS))
    return mark_safe("")


@register.simple_tag
def feed_reason(entry: FeedEntry) -> SafeString:
    """Why a paper is in the feed, linking the related paper's title."""
    before, title, after = entry.reason_parts
    if not title:
        return format_html(
            '<p class="feed-card__reason"><span class="visually-hidden">Why: </span>{}</p>', before
        )
    assert entry.reason_paper is not None  # a title comes from the related paper
    return format_html(
        '<p class="feed-card__reason"><span class="visually-hidden">Why: </span>{}<a href="{}">{}</a>{}</p>',
        before,
        entry.reason_paper.get_absolute_url(),
        title,
        after,
    )
