"""What a paper card shows about the viewer: their upvote, and which of their lists hold the paper.

A listing builds one `UserPaperState` for all the papers on its page, in one query whatever the page
size and however many lists the user has (their upvotes among these papers, their lists, their items
among these papers); each card then reads its own `CardState` from it without touching the database.
An anonymous visitor costs no query at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page
from django.db import connection

from papers.model_rows import planned_once_cursor
from papers.models import Dismissal, Paper, ReadingList, ReadingListItem, Upvote


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
    # Whether the viewer has dismissed any paper; None when not asked (`for_papers(dismissals=True)`).
    has_dismissals: bool | None = None

    @classmethod
    def for_papers(
        cls, user: Any, papers: Iterable[Paper | int], *, upvotes: bool = True, dismissals: bool = False
    ) -> UserPaperState:
        """`upvotes=False` leaves the upvotes out, for a page that shows only the save control;
        `dismissals=True` also tells whether the viewer has dismissed anything (in the same query)."""
        if not getattr(user, "is_authenticated", False):
            return cls()
        paper_ids = {paper if isinstance(paper, int) else paper.pk for paper in papers}
        if not paper_ids and not dismissals:
            return cls(authenticated=True)
        upvoted: set[int] = set()
        lists: list[tuple[int, int, str, bool]] = []
        by_paper: dict[int, set[int]] = defaultdict(set)
        dismissed = False
        rows = _viewer_rows(user.pk, paper_ids, upvotes=upvotes, dismissals=dismissals)
        for kind, first, second, name, is_default in rows:
            if kind == "upvote":
                upvoted.add(first)
            elif kind == "item":
                by_paper[first].add(second)
            elif kind == "dismissed":
                dismissed = True
            else:
                lists.append((second, first, name, bool(is_default)))
        lists.sort()
        return cls(
            authenticated=True,
            has_dismissals=dismissed if dismissals else None,
            upvoted=frozenset(upvoted),
            lists=tuple(
                ReadingList(pk=pk, owner_id=user.pk, name=name, is_default=is_default)
                for _, pk, name, is_default in lists
            ),
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


def _viewer_rows(
    user_id: int, paper_ids: Collection[int], *, upvotes: bool, dismissals: bool = False
) -> list[tuple[Any, ...]]:
    """The viewer's upvotes and list items among `paper_ids`, and their lists, as one UNION ALL.

    Every listing page reads this, so it is one round trip of hand-written SQL rather than three ORM
    queries: building and compiling those cost more than running them. Rows are (kind, a, b, name,
    is_default): ("upvote", paper, -, -, -), ("item", paper, list, -, -), and ("list", list, position,
    name, is_default), where position is the order of papers.lists.operations.LIST_ORDER (default list
    first, then by name without case, then by id); with `dismissals`, one ("dismissed", -, -, -, -)
    row when the viewer has dismissed any paper.
    """
    papers = ", ".join(["%s"] * len(paper_ids))
    upvote, item, reading_list, dismissal = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (Upvote, ReadingListItem, ReadingList, Dismissal)
    )
    # The lists come first: PostgreSQL types a UNION's columns pair by pair from the left, and their
    # columns give the NULLs of the other parts a type.
    parts = [
        "SELECT 'list', id, ROW_NUMBER() OVER (ORDER BY is_default DESC, LOWER(name), id), name, is_default "
        f"FROM {reading_list} WHERE owner_id = %s",
    ]
    params: list[Any] = [user_id]
    if paper_ids:
        parts.append(
            f"SELECT 'item', i.paper_id, i.reading_list_id, NULL, NULL FROM {item} i "
            f"JOIN {reading_list} l ON l.id = i.reading_list_id "
            f"WHERE l.owner_id = %s AND i.paper_id IN ({papers})"
        )
        params += [user_id, *paper_ids]
    if paper_ids and upvotes:
        parts.append(
            f"SELECT 'upvote', paper_id, NULL, NULL, NULL FROM {upvote} "
            f"WHERE user_id = %s AND paper_id IN ({papers})"
        )
        params += [user_id, *paper_ids]
    if dismissals:
        parts.append(
            "SELECT 'dismissed', NULL, NULL, NULL, NULL "
            f"WHERE EXISTS (SELECT 1 FROM {dismissal} WHERE user_id = %s)"
        )
        params.append(user_id)
    with planned_once_cursor(connection) as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return cursor.fetchall()
