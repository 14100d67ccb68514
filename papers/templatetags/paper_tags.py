"""Filters and tags for showing papers in Django templates: author lines, page links, and the cards
(papers/cards.py; their templates are Jinja2, papers/jinja_env.py)."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from papers import cards, shared_pages
from papers.catalogue.authors import author_url
from papers.models import Paper

register = template.Library()


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


@register.simple_tag(takes_context=True)
def paper_actions(context: template.Context) -> SafeString:
    """`{% paper_actions %}`: the upvote and save controls of `paper` (papers/_paper_actions.html, a
    Jinja2 template like the cards it is part of, which {% include %} cannot reach)."""
    if shared_pages.rendering(context["request"]) is not None:
        # A copy shared by every reader: the reader's parts are slots, filled like a card's.
        return cards.shared_paper_actions(context, context["paper"])
    actions = get_template("papers/_paper_actions.html")
    # Autoescaped by Jinja2, as every card is.
    values = {str(name): value for name, value in context.flatten().items()}
    # Without the request: the Jinja2 engine would add a `csrf_token` that masks the secret anew for
    # each form (32 system random draws apiece, six forms); this page's own token (in `values`, with
    # the request and the user) serves them all.
    return mark_safe(actions.render(values))


@register.simple_tag(takes_context=True)
def paper_cards(context: Any, papers: Any) -> list[SafeString]:
    """`{% paper_cards papers as cards %}`: the papers' cards, from the shared cache (papers.cards)."""
    return cards.paper_cards(context, papers)


@register.simple_tag(takes_context=True)
def feed_cards(context: Any, entries: Any) -> list[SafeString]:
    """`{% feed_cards page.entries as cards %}`: a feed page's cards, from the shared cache (papers.cards)."""
    return cards.feed_cards(context, entries)


@register.simple_tag(takes_context=True)
def alert_cards(context: Any, entries: Any) -> list[tuple[Any, SafeString]]:
    """`{% alert_cards alert_entries as cards %}`: (entry, card) for each paper the reader's alerts
    matched (papers.alerts.reads), cards as any listing's."""
    entries = list(entries)
    return list(zip(entries, cards.paper_cards(context, [entry.paper for entry in entries]), strict=True))
