"""`{% paper_state paper as state %}`: the viewer's upvote and saves for one card."""

from __future__ import annotations

from typing import Any

from django import template

from papers.models import Paper
from papers.user_state import CardState, UserPaperState

register = template.Library()


@register.simple_tag(takes_context=True)
def paper_state(context: template.Context, paper: Paper) -> CardState:
    """Read from the `user_state` the view computed for the whole page.

    A view that forgot to pass one still renders correct cards, at three queries per card; the query
    count tests of each listing are what catch that.
    """
    state: Any = context.get("user_state")
    if not isinstance(state, UserPaperState):
        state = UserPaperState.for_papers(context.get("user"), [paper])
    return state.card(paper)
