"""Paper cards from the shared cache, with the viewer's own state filled in per request.

Rendering a card with the template engine costs about 2.5 ms (some 250 template nodes, seven {% url %},
three or four forms), so a listing of 30 spent ~80 ms in templates. Yet a card is the same for every
viewer but for a few parts. Each card is therefore rendered once per version of its paper, by its own
template, for a stand-in viewer, with the viewer's parts left as <!--slots--> (`card_slots` in the
context), and kept in the shared cache (every web process reads the same entries). The key names the
paper, its `updated_at` and upvote total, and a digest of the card templates, so an edited paper, a
vote or a deploy that changes a template starts a new entry, and old ones expire.

A page then costs one cache round trip (`get_many`) and a few string replacements per card:
- the viewer's upvote and quick save: each state is in the entry once a page has needed it (the "on"
  states are rendered the first time a reader who upvoted or saved the paper sees the card);
- the list menu's summary and choices: rendered from their partials once per distinct state on the page;
- the CSRF token and the return address (`next`), per request;
- search highlights and the feed's reason and "New", rendered from their partials for each card.

Nothing user-specific is cached. Markers are HTML comments or whole attributes, which escaped paper
text cannot produce (it never contains a bare `<` or `"`).
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.core.cache import cache as shared_cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template import engines
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from papers import feed_pages, page_cache, shared_pages
from papers.catalogue.paper_urls import paper_url
from papers.catalogue.search import highlight
from papers.feed.user_state import CardState, ListChoice, UserPaperState
from papers.models import Paper

if TYPE_CHECKING:
    from recommender.feed_query import FeedEntry

logger = logging.getLogger(__name__)

# A card shows the start of the abstract; CSS clips it to three lines, this only keeps the page small.
ABSTRACT_CHARS = 600
# A week: entries of papers nobody looks at go; the key changes whenever a card would.
CARD_CACHE_SECONDS = 7 * 24 * 3600

# Jinja2 templates (templates/jinja2/, papers/jinja_env.py).
PAPER_CARD = "papers/_paper_card.html"
FEED_CARD = "feed/_feed_card.html"
UPVOTE_BUTTON = "papers/_upvote_button.html"
QUICK_SAVE = "papers/_quick_save.html"
SAVE_MENU_SUMMARY = "papers/_save_menu_summary.html"
SAVE_MENU_CHOICES = "papers/_save_menu_choices.html"
FEED_NEW = "feed/_feed_new.html"
PAPER_ACTIONS = "papers/_paper_actions.html"
# Every template whose markup ends up in a cached card: a change to any of them changes the keys.
CARD_TEMPLATES = (
    PAPER_CARD,
    FEED_CARD,
    UPVOTE_BUTTON,
    QUICK_SAVE,
    "papers/_save_control.html",
    PAPER_ACTIONS,
)

# The viewer's parts of a card, and the cached entry's variants they are filled from.
VIEWER_SLOTS = ("upvote-button", "quick-save", "save-menu-summary", "save-menu-choices")
OFF_VARIANTS = ("upvote-button", "quick-save")
VIEWER_VARIANTS = (*OFF_VARIANTS, "upvote-button:on", "quick-save:on")

_CSRF_STAND_IN = "csrftokenstandin"
_NEXT_STAND_IN = "<!--next-->"
_CSRF_INPUT = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', _CSRF_STAND_IN)
_NEXT_ATTRIBUTES = format_html('name="next" value="{}"', _NEXT_STAND_IN)


@dataclass(frozen=True)
class _StandInViewer:
    """The `user` a shared card is rendered for: only whether someone is logged in."""

    is_authenticated: bool


def _environment() -> Any:
    return engines["jinja2"].env  # type: ignore[attr-defined]


@cache
def _templates_digest() -> str:
    env = _environment()
    sources = "".join(env.loader.get_source(env, name)[0] for name in CARD_TEMPLATES)
    return hashlib.sha256(sources.encode()).hexdigest()[:12]


def _render(template: str, context: dict[str, Any]) -> str:
    return _environment().get_template(template).render(context)


def _key(kind: str, paper: Paper, authenticated: bool) -> str:
    updated = paper.updated_at.timestamp() if paper.updated_at else 0
    version = f"{paper.pk}:{updated}:{paper.total_upvotes}"
    return f"card:{kind}:{_templates_digest()}:{version}:{int(authenticated)}"


def _stand_in_context(paper: Paper, authenticated: bool) -> dict[str, Any]:
    return {
        "paper": paper,
        "user": _StandInViewer(authenticated),
        "user_state": UserPaperState(authenticated=authenticated),
        "csrf_token": _CSRF_STAND_IN,
        "next_url": _NEXT_STAND_IN,
    }


def _variant(name: str, paper: Paper, authenticated: bool) -> str:
    """One state of the viewer's controls on a card of `paper` (one of VIEWER_VARIANTS)."""
    context = _stand_in_context(paper, authenticated)
    on = name.endswith(":on")
    if name.startswith("upvote-button"):
        if on:
            context["user_state"] = UserPaperState(authenticated=authenticated, upvoted=frozenset([paper.pk]))
        return _render(UPVOTE_BUTTON, context)
    if on:
        choices = [ListChoice(key="default", name="", holds=True, is_default=True)]
        state = CardState(paper_id=paper.pk, authenticated=authenticated, upvoted=False, choices=choices)
    else:
        state = context["user_state"].card(paper)
    save_url = paper_url("papers:paper_save", paper.pk)
    return _render(QUICK_SAVE, {**context, "save_url": save_url, "state": state})


def _build(template: str, paper: Paper, authenticated: bool) -> dict[str, str]:
    """The shared entry of one card: the card with its slots, and the "off" states of the viewer's
    controls. The "on" states are rendered when a page first needs them (`_CardEntries.variant`): most
    cards are shown only to readers who have not upvoted or saved the paper."""
    entry = {
        "card": _render(template, {**_stand_in_context(paper, authenticated), "card_slots": True}),
        **{name: _variant(name, paper, authenticated) for name in OFF_VARIANTS},
    }
    if template == PAPER_CARD:
        # The partials' markup without their template renders (a third of a card's build).
        entry["card-title"] = card_title(paper)
        entry["card-abstract"] = card_abstract(paper)
    return entry


class _CardEntries:
    """The shared entries of one page's cards (in the order of `papers`): from the cache, or built.

    `variant` renders a variant a page needs that an entry lacks; `store` puts the built and completed
    entries back for the next page.
    """

    def __init__(self, template: str, kind: str, papers: Sequence[Paper], authenticated: bool) -> None:
        self.authenticated = authenticated
        self.keys = [_key(kind, paper, authenticated) for paper in papers]
        try:
            found = shared_cache.get_many(self.keys)
        except Exception:
            # The cache is only a shortcut: with Redis down the page renders every card itself.
            logger.warning("paper card cache unavailable; rendering cards without it", exc_info=True)
            found = {}
        self.changed = {
            key: _build(template, paper, authenticated)
            for key, paper in zip(self.keys, papers, strict=True)
            if key not in found
        }
        self.entries = [found[key] if key in found else self.changed[key] for key in self.keys]

    def variant(self, index: int, paper: Paper, name: str) -> str:
        """The variant `name` of the viewer's controls on card `index` (rendered if the entry lacks it)."""
        entry = self.entries[index]
        if name not in entry:
            entry[name] = _variant(name, paper, self.authenticated)
            self.changed[self.keys[index]] = entry
        return entry[name]

    def store(self) -> None:
        if not self.changed:
            return
        try:
            shared_cache.set_many(self.changed, CARD_CACHE_SECONDS)
        except Exception:
            logger.warning("paper card cache unavailable; cards not stored", exc_info=True)


class _Memo:
    """Renders a partial once per distinct state on a page (most cards share one)."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.rendered: dict[Hashable, str] = {}

    def __call__(self, key: Hashable, context: Callable[[], dict[str, Any]]) -> str:
        if key not in self.rendered:
            self.rendered[key] = _render(self.template, context())
        return self.rendered[key]


class ViewerSlots:
    """The viewer's parts of cards, from their `UserPaperState` and each card's cached variants."""

    def __init__(self, state: UserPaperState) -> None:
        self.state = state
        self.summary = _Memo(SAVE_MENU_SUMMARY)
        self.choices = _Memo(SAVE_MENU_CHOICES)

    def __call__(self, variant: Callable[[str], str], paper_id: int) -> dict[str, str]:
        """The slots of the card of `paper_id`; `variant(name)` is the card's cached variant `name`."""
        card = self.state.card(paper_id)
        slots = {
            "upvote-button": variant("upvote-button:on" if card.upvoted else "upvote-button"),
            "quick-save": variant("quick-save:on" if card.in_default else "quick-save"),
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
        self.prepared = feed_pages.preparing(request)
        state = context.get("user_state")
        if not isinstance(state, UserPaperState):
            state = UserPaperState.for_papers(request.user, papers)
        self.state: UserPaperState = state
        self.viewer_slots = ViewerSlots(state)
        # A shared copy's or a prepared page's token is a stand-in, replaced per response (papers.page_cache).
        ahead = self.shared is not None or self.prepared is not None
        token = page_cache.CSRF_STAND_IN.decode() if ahead else get_token(request)
        self.request_fields = _RequestFields(token, context.get("next_url") or request.get_full_path())

    def fill(self, cards: _CardEntries, index: int, paper: Paper, slots: dict[str, str]) -> SafeString:
        def variant(name: str) -> str:
            return cards.variant(index, paper, name)

        if self.shared is not None:
            self.shared.cards[paper.pk] = {name: self._finish(variant(name)) for name in VIEWER_VARIANTS}
            slots |= {name: shared_pages.card_slot(name, paper.pk) for name in VIEWER_SLOTS}
        else:
            slots |= self.viewer_slots(variant, paper.pk)
            if self.prepared is not None:
                # A prepared feed page shows the upvote count as it is when it is served (papers.feed_pages).
                upvoted = self.state.card(paper.pk).upvoted
                button = self._finish(slots["upvote-button"])
                self.prepared.buttons[paper.pk] = (button, paper.upvote_count, paper.source_upvotes, upvoted)
                slots["upvote-button"] = shared_pages.card_slot("upvote-button", paper.pk)
        html = cards.entries[index]["card"]
        for name, value in slots.items():
            html = html.replace(f"<!--{name}-->", value, 1)
        return self._finish(html)

    def _finish(self, html: str) -> SafeString:
        return self.request_fields.fill(html)


class _RequestFields:
    """The request's CSRF token and return address, for the forms of cached card markup."""

    def __init__(self, csrf_token: str, next_url: str) -> None:
        self.csrf_input = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token
        )
        self.next_attributes = format_html('name="next" value="{}"', next_url)

    def fill(self, html: str) -> SafeString:
        html = html.replace(_CSRF_INPUT, self.csrf_input).replace(_NEXT_ATTRIBUTES, self.next_attributes)
        # Rendered by our templates with autoescaping; only whole markers were replaced.
        return mark_safe(html)


def shared_paper_actions(context: Any, paper: Paper) -> SafeString:
    """The paper page's own upvote and save controls in a copy shared by every reader
    (papers.shared_pages): rendered for the stand-in with the reader's parts left as slots naming the
    paper, and the paper's variants of them kept with the copy, so each reader's are filled in as a card's
    are, without rendering the block again for them."""
    request: HttpRequest = context["request"]
    shared = shared_pages.rendering(request)
    assert shared is not None, "only while a shared copy is rendered"
    authenticated = request.user.is_authenticated
    fields = _RequestFields(page_cache.CSRF_STAND_IN.decode(), request.get_full_path())
    html = _render(PAPER_ACTIONS, {**_stand_in_context(paper, authenticated), "card_slots": True})
    shared.cards[paper.pk] = {
        name: fields.fill(_variant(name, paper, authenticated)) for name in VIEWER_VARIANTS
    }
    for name in VIEWER_SLOTS:
        html = html.replace(f"<!--{name}-->", shared_pages.card_slot(name, paper.pk), 1)
    return fields.fill(html)


def upvote_button(paper: Paper, *, upvoted: bool, csrf_token: str, next_url: str) -> str:
    """A card's upvote button for `paper` (its id and counts), as a card's slot is filled with it."""
    html = _variant("upvote-button:on" if upvoted else "upvote-button", paper, authenticated=True)
    return _RequestFields(csrf_token, next_url).fill(html)


def paper_cards(context: Any, papers: Iterable[Paper]) -> list[SafeString]:
    """The cards of `papers` (papers/_paper_card.html) for the viewer of `context`'s request."""
    papers = list(papers)
    filler = _Filler(context, papers)
    entries = _CardEntries(PAPER_CARD, "paper", papers, filler.state.authenticated)
    cards = []
    for index, (paper, entry) in enumerate(zip(papers, entries.entries, strict=True)):
        slots = {"card-title": entry["card-title"], "card-abstract": entry["card-abstract"]}
        if getattr(paper, "title_headline", None) or getattr(paper, "abstract_headline", None):
            slots["card-title"] = card_title(paper)
            slots["card-abstract"] = card_abstract(paper)
        cards.append(filler.fill(entries, index, paper, slots))
    entries.store()
    return cards


def clipped(text: str, length: int) -> str:
    """Django's truncatechars: `text` cut to `length` characters, "…" included, without Truncator's walk
    through the text in Python (a fifth of a card's build for a 600-character abstract).

    Combining marks count as nothing to Truncator; a text whose first `length` + 1 characters hold
    one goes to Truncator itself (the tests hold the two equal on any text).
    """
    text = unicodedata.normalize("NFC", text)
    if len(text) <= length:
        return text
    if length < 2 or any(map(unicodedata.combining, text[: length + 1])):
        return Truncator(text).chars(length)
    return f"{text[: length - 1]}…"


def card_title(paper: Paper) -> SafeString:
    """A card's title, highlighted for a search result (also a card template's global)."""
    if headline := getattr(paper, "title_headline", ""):
        return highlight(headline)
    return conditional_escape(paper.title)


def card_abstract(paper: Paper) -> SafeString:
    """A card's abstract: the search's excerpt with highlights, else its start (also a global)."""
    if headline := getattr(paper, "abstract_headline", ""):
        return format_html(
            '<p class="paper-card__abstract paper-card__abstract--excerpt">{}</p>', highlight(headline)
        )
    if paper.abstract:
        return format_html('<p class="paper-card__abstract">{}</p>', clipped(paper.abstract, ABSTRACT_CHARS))
    return mark_safe("")


def feed_reason(entry: FeedEntry) -> SafeString:
    """Why a paper is in the feed, linking the related paper's title (also a card template's global)."""
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
    cached = _CardEntries(FEED_CARD, "feed", papers, filler.state.authenticated)
    new = _Memo(FEED_NEW)
    cards = []
    for index, (entry, paper) in enumerate(zip(entries, papers, strict=True)):
        slots = {
            "feed-new": new(entry.is_new, lambda entry=entry: {"entry": entry}),  # type: ignore[misc]
            "feed-reason": feed_reason(entry),
        }
        cards.append(filler.fill(cached, index, paper, slots))
    cached.store()
    return cards
