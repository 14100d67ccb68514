"""What a paper card shows about the viewer: their upvote, and which of their lists hold the paper.

A listing builds one `UserPaperState` for all the papers on its page, in three small indexed queries
whatever the page size and however many lists the user has (their lists, their items among these papers,
their upvotes among these papers); each card then reads its own `CardState` from it without touching the
database. An anonymous visitor costs no query at all. Nothing of it is cached: it is one reader's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page

from papers.lists.operations import LIST_ORDER
from papers.models import Paper, ReadingList, ReadingListItem, Upvote


@dataclass(frozen=True)
class ListChoice:
    """One line of the save menu: a list, and whether it holds this paper."""

    key: str  # the list's id, or "default" for the Read later list before it exists
    name: str
    holds: bool
    is_default: bool


@dataclass(frozen=True)
class CardState:
    paper_id: int
    authenticated: bool
    upvoted: bool
    choices: list[ListChoice]

    @property
    def in_default(self) -> bool:
        return any(choice.holds for choice in self.choices if choice.is_default)

    @property
    def saved_count(self) -> int:
        return sum(choice.holds for choice in self.choices)


@dataclass(frozen=True)
class UserPaperState:
    authenticated: bool = False
    upvoted: frozenset[int] = frozenset()
    lists: tuple[ReadingList, ...] = ()
    list_ids_by_paper: dict[int, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def for_papers(cls, user: Any, papers: Iterable[Paper | int], *, upvotes: bool = True) -> UserPaperState:
        """`upvotes=False` leaves the upvotes out, for a page that shows only the save control."""
        if not getattr(user, "is_authenticated", False):
            return cls()
        paper_ids = {paper if isinstance(paper, int) else paper.pk for paper in papers}
        if not paper_ids:
            return cls(authenticated=True)
        lists = tuple(ReadingList.objects.filter(owner=user).only("name", "is_default").order_by(*LIST_ORDER))
        by_paper: dict[int, set[int]] = defaultdict(set)
        items = ReadingListItem.objects.filter(reading_list__owner=user, paper_id__in=paper_ids)
        for paper_id, list_id in items.values_list("paper_id", "reading_list_id"):
            by_paper[paper_id].add(list_id)
        upvoted: Collection[int] = ()
        if upvotes:
            upvoted = Upvote.objects.filter(user=user, paper_id__in=paper_ids).values_list(
                "paper_id", flat=True
            )
        return cls(
            authenticated=True,
            upvoted=frozenset(upvoted),
            lists=lists,
            list_ids_by_paper={pk: frozenset(ids) for pk, ids in by_paper.items()},
        )

    @classmethod
    def for_page(cls, user: Any, page: Page | None) -> UserPaperState:
        """For the papers of a page of results (the page's rows are read once, here, and kept)."""
        if page is None:
            return cls.for_papers(user, [])
        page.object_list = list(page.object_list)
        return cls.for_papers(user, page.object_list)

    def card(self, paper: Paper | int) -> CardState:
        paper_id = paper if isinstance(paper, int) else paper.pk
        holding = self.list_ids_by_paper.get(paper_id, frozenset())
        choices = [
            ListChoice(key=str(rl.pk), name=rl.name, holds=rl.pk in holding, is_default=rl.is_default)
            for rl in self.lists
        ]
        if self.authenticated and not any(rl.is_default for rl in self.lists):
            # The Read later list is created by the first save; until then it is offered by name.
            choices.insert(
                0, ListChoice(key="default", name=ReadingList.DEFAULT_NAME, holds=False, is_default=True)
            )
        return CardState(
            paper_id=paper_id,
            authenticated=self.authenticated,
            upvoted=paper_id in self.upvoted,
            choices=choices,
        )
