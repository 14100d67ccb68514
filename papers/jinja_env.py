"""The Jinja2 environment of the paper card templates (templates/jinja2/).

A card is built for every paper nobody has looked at lately (papers/cards.py), and a new search shows
about twenty of them: with the Django template engine a card's three renders were ~0.7 ms, most of a
new search's CPU. Jinja2 compiles a template to Python code and renders the same markup in a fraction of
that (`bench.cards`). Every other page stays with the Django template engine, which finds the cards
through `{% paper_actions %}` and `{% paper_cards %}` (papers.templatetags.paper_tags).

The helpers below are the card templates' counterparts of the Django filters and tags they used.
"""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import pluralize
from django.utils import dateformat
from jinja2 import ChainableUndefined, Environment, pass_context
from jinja2.runtime import Context

from papers.cards import ABSTRACT_CHARS, card_abstract, card_title, clipped, feed_reason
from papers.catalogue.paper_urls import paper_url
from papers.feed.user_state import CardState, UserPaperState
from papers.templatetags.paper_tags import author_links, author_summary


@pass_context
def paper_state(context: Context, paper: Any) -> CardState:
    """The viewer's upvote and saves for one card, from the `user_state` the view computed for the
    whole page. A view that forgot to pass one still renders correct cards, at three queries per card;
    the query count tests of each listing are what catch that."""
    state = context.get("user_state")
    if not isinstance(state, UserPaperState):
        state = UserPaperState.for_papers(context.get("user"), [paper])
    return state.card(paper)


def date(value: Any, format_string: str) -> str:
    """Django's |date filter (its formats, month names in the active language)."""
    return dateformat.format(value, format_string) if value else ""


def environment(**options: Any) -> Environment:
    # A missing variable renders as nothing, as it does in the Django engine, also when asked for an
    # attribute (`new_list_form.errors` on a card that has no form); Django's backend would default to
    # DebugUndefined with DEBUG on, which prints the variable's name into the page instead.
    options["undefined"] = ChainableUndefined
    env = Environment(**options)
    env.globals.update(
        ABSTRACT_CHARS=ABSTRACT_CHARS,
        paper_url=paper_url,
        paper_state=paper_state,
        card_title=card_title,
        card_abstract=card_abstract,
        feed_reason=feed_reason,
    )
    env.filters.update(
        author_links=author_links,
        author_summary=author_summary,
        clipped=clipped,
        date=date,
        pluralize=pluralize,
    )
    return env
