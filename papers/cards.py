"""Paper cards from the shared cache, with the viewer's own state filled in per request.

Rendering a card with the template engine costs about 2.5 ms (some 250 template nodes, seven {% url %},
three or four forms), so a listing of 30 spent ~80 ms in templates. Yet a card is the same for every
viewer but for a few parts. Each card is therefore rendered once per version of its paper, by its own
template, for a stand-in viewer, with the viewer's parts left as <!--slots--> (`card_slots` in the
context), and kept in the shared cache (every web process reads the same entries). The key names the
paper, its `updated_at` and upvote total, and a digest of the card templates, so an edited paper, a
vote or a deploy that changes a template starts a new entry, and old ones expire.

A page then costs one cache round trip (`get_many`) and a few string replacements per card:
- the viewer's upvote and quick save: both states of each are in the entry;
- the list menu's summary and choices: rendered from their partials once per distinct state on the page;
- the CSRF token and the return address (`next`), per request;
- search highlights and the feed's reason and "New", rendered from their partials for each card.

Nothing user-specific is cached. Markers are HTML comments or whole attributes, which escaped paper
text cannot produce (it never contains a bare `<` or `"`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.core.cache import cache as shared_cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from papers import page_cache, shared_pages
from papers.models import Paper
from papers.search import highlight
from papers.user_state import CardState, ListChoice, UserPaperState

if TYPE_CHECKING:
    from recommender.feed import FeedEntry

logger = logging.getLogger(__name__)

# A week: entries of papers nobody looks at go; the key changes whenever a card would.
CARD_CACHE_SECONDS = 7 * 24 * 3600

PAPER_CARD = "papers/_paper_card.html"
FEED_CARD = "feed/_feed_card.html"
UPVOTE_BUTTON = "papers/_upvote_button.html"
SAVE_CONTROL = "papers/_save_control.html"
# Every template whose markup ends up in a cached card: a change to any of them changes the keys.
CARD_TEMPLATES = (PAPER_CARD, FEED_CARD, UPVOTE_BUTTON, SAVE_CONTROL, "papers/_paper_actions.html")

_CSRF_STAND_IN = "csrftokenstandin"
_NEXT_STAND_IN = "<!--next-->"
_CSRF_INPUT = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', _CSRF_STAND_IN)
_NEXT_ATTRIBUTES = format_html('name="next" value="{}"', _NEXT_STAND_IN)


@dataclass(frozen=True)
class _StandInViewer:
    """The `user` a shared card is rendered for: only whether someone is logged in."""

    is_authenticated: bool


@cache
def _templates_digest() -> str:
    sources = "".join(get_template(name).template.source for name in CARD_TEMPLATES)  # type: ignore[attr-defined]
    return hashlib.sha256(sources.encode()).hexdigest()[:12]


def _render(template: str, context: dict[str, Any]) -> str:
    return get_template(template).render(context)


def _key(kind: str, paper: Paper, authenticated: bool) -> str:
    updated = paper.updated_at.timestamp() if paper.updated_at else 0
    version = f"{paper.pk}:{updated}:{paper.total_upvotes}"
    return f"card:{kind}:{_templates_digest()}:{version}:{int(authenticated)}"


def _build(template: str, paper: Paper, authenticated: bool) -> dict[str, str]:
    """The shared entry of one card: the card with its slots, and both states of the viewer's controls."""
    viewer = UserPaperState(authenticated=authenticated)
    context: dict[str, Any] = {
        "paper": paper,
        "user": _StandInViewer(authenticated),
        "user_state": viewer,
        "csrf_token": _CSRF_STAND_IN,
        "next_url": _NEXT_STAND_IN,
    }
    saved = CardState(
        paper_id=paper.pk,
        authenticated=authenticated,
        upvoted=False,
        choices=[ListChoice(key="default", name="", holds=True, is_default=True)],
    )
    upvoted = UserPaperState(authenticated=authenticated, upvoted=frozenset([paper.pk]))
    quick = {**context, "save_url": reverse("papers:paper_save", args=[paper.pk])}
    entry = {
        "card": _render(template, {**context, "card_slots": True}),
        "upvote-button": _render(UPVOTE_BUTTON, context),
        "upvote-button:on": _render(UPVOTE_BUTTON, {**context, "user_state": upvoted}),
        "quick-save": _render(f"{SAVE_CONTROL}#quick-save", {**quick, "state": viewer.card(paper)}),
        "quick-save:on": _render(f"{SAVE_CONTROL}#quick-save", {**quick, "state": saved}),
    }
    if template == PAPER_CARD:
        # The partials' markup without their template renders (a third of a card's build).
        entry["card-title"] = _card_title(paper)
        entry["card-abstract"] = _card_abstract(paper)
    return entry


def _entries(template: str, kind: str, papers: Sequence[Paper], authenticated: bool) -> list[dict[str, str]]:
    keys = [_key(kind, paper, authenticated) for paper in papers]
    try:
        found = shared_cache.get_many(keys)
    except Exception:
        # The cache is only a shortcut: with Redis down the page renders every card itself.
        logger.warning("paper card cache unavailable; rendering cards without it", exc_info=True)
        found = {}
    missing = {
        key: _build(template, paper, authenticated)
        for key, paper in zip(keys, papers, strict=True)
        if key not in found
    }
    if missing:
        try:
            shared_cache.set_many(missing, CARD_CACHE_SECONDS)
        except Exception:
            logger.warning("paper card cache unavailable; cards not stored", exc_info=True)
        found |= missing
    return [found[key] for key in keys]


class _Memo:
    """Renders a partial once per distinct state on a page (most cards share one)."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.rendered: dict[Hashable, str] = {}

    def __call__(self, key: Hashable, context: Callable[[], dict[str, Any]]) -> str:
        if key not in self.rendered:
            self.rendered[key] = _render(self.template, context())
        return self.rendered[key]


# The viewer's parts of a card, and the cached entry's variants they are filled from.
VIEWER_SLOTS = ("upvote-button", "quick-save", "save-menu-summary", "save-menu-choices")
VIEWER_VARIANTS = ("upvote-button", "upvote-button:on", "quick-save", "quick-save:on")


class ViewerSlots:
    """The viewer's parts of cards, from their `UserPaperState` and each card's cached variants."""

    def __init__(self, state: UserPaperState) -> None:
        self.state = state
        self.summary = _Memo(f"{SAVE_CONTROL}#save-menu-summary")
        self.choices = _Memo(f"{SAVE_CONTROL}#save-menu-choices")

    def __call__(self, variants: dict[str, str], paper_id: int) -> dict[str, str]:
        card = self.state.card(paper_id)
        slots = {
            "upvote-button": variants["upvote-button:on" if card.upvoted else "upvote-button"],
            "quick-save": variants["quick-save:on" if card.in_default else "quick-save"],
        }
        if card.authenticated:
            slots["save-menu-summary"] = self.summary(card.saved_count, lambda: {"state": card})
            holds = tuple(choice.holds for choice in card.choices)
            slots["save-menu-choices"] = self.choices(holds, lambda: {"state": card})
        return slots


class _Filler:
    """Fills the viewer's slots of the cards of one page, or, while a page shared by every reader is
    rendered (papers.shared_pages), leaves them as slots naming their paper, to be filled per reader."""

    def __init__(self, context: Any, papers: Sequence[Paper]) -> None:
        request: HttpRequest = context["request"]
        page_cache.shows_papers(request, papers)
        self.shared = shared_pages.rendering(request)
        state = context.get("user_state")
        if not isinstance(state, UserPaperState):
            state = UserPaperState.for_papers(request.user, papers)
        self.state: UserPaperState = state
        self.viewer_slots = ViewerSlots(state)
        # A shared copy's token is a stand-in, replaced per response (papers.page_cache).
        token = page_cache.CSRF_STAND_IN.decode() if self.shared is not None else get_token(request)
        self.csrf_input = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
        self.next_attributes = format_html(
            'name="next" value="{}"', context.get("next_url") or request.get_full_path()
        )

    def fill(self, entry: dict[str, str], paper: Paper, slots: dict[str, str]) -> SafeString:
        if self.shared is not None:
            self.shared.cards[paper.pk] = {name: self._finish(entry[name]) for name in VIEWER_VARIANTS}
            slots |= {name: shared_pages.card_slot(name, paper.pk) for name in VIEWER_SLOTS}
        else:
            slots |= self.viewer_slots(entry, paper.pk)
        html = entry["card"]
        for name, value in slots.items():
            html = html.replace(f"<!--{name}-->", value, 1)
        return self._finish(html)

    def _finish(self, html: str) -> SafeString:
        html = html.replace(_CSRF_INPUT, self.csrf_input).replace(_NEXT_ATTRIBUTES, self.next_attributes)
        # Rendered by our templates with autoescaping; only whole markers were replaced.
        return mark_safe(html)


def paper_cards(context: Any, papers: Iterable[Paper]) -> list[SafeString]:
    """The cards of `papers` (papers/_paper_card.html) for the viewer of `context`'s request."""
    papers = list(papers)
    filler = _Filler(context, papers)
    entries = _entries(PAPER_CARD, "paper", papers, filler.state.authenticated)
    cards = []
    for paper, entry in zip(papers, entries, strict=True):
        slots = {"card-title": entry["card-title"], "card-abstract": entry["card-abstract"]}
        if getattr(paper, "title_headline", None) or getattr(paper, "abstract_headline", None):
            slots["card-title"] = _card_title(paper)
            slots["card-abstract"] = _card_abstract(paper)
        cards.append(filler.fill(entry, paper, slots))
    return cards


def _card_title(paper: Paper) -> SafeString:
    """The `card-title` partial of papers/_paper_card.html (highlighted for a search result), without
    a template render per card (the test suite checks that the two agree)."""
    if headline := getattr(paper, "title_headline", ""):
        return highlight(headline)
    return conditional_escape(paper.title)


def _card_abstract(paper: Paper) -> SafeString:
    """The `card-abstract` partial, likewise."""
    if headline := getattr(paper, "abstract_headline", ""):
        return format_html(
            '<p class="paper-card__abstract paper-card__abstract--excerpt">{}</p>', highlight(headline)
        )
    if paper.abstract:
        return format_html('<p class="paper-card__abstract">{}</p>', Truncator(paper.abstract).chars(600))
    return mark_safe("")


def _feed_reason(entry: FeedEntry) -> SafeString:
    """The `feed-reason` partial of feed/_feed_card.html, without a template render per card (the
    test suite checks that the two agree)."""
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


def feed_cards(context: Any, entries: Sequence[FeedEntry]) -> list[SafeString]:
    """The cards of a feed page (feed/_feed_card.html) for the viewer of `context`'s request."""
    papers = [entry.paper for entry in entries]
    filler = _Filler(context, papers)
    cached = _entries(FEED_CARD, "feed", papers, filler.state.authenticated)
    new = _Memo(f"{FEED_CARD}#feed-new")
    cards = []
    for entry, paper, shared in zip(entries, papers, cached, strict=True):
        slots = {
            "feed-new": new(entry.is_new, lambda entry=entry: {"entry": entry}),  # type: ignore[misc]
            "feed-reason": _feed_reason(entry),
        }
        cards.append(filler.fill(shared, paper, slots))
    return cards
