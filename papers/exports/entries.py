"""What an export contains: the list's papers in list order, with the owner's status and note or without.

The privacy decision is made here, once: a shared export's entries carry no status and no note, so no
renderer can leak them whatever it does.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from papers.models import Paper, ReadingList


@dataclass(frozen=True, slots=True)
class ExportEntry:
    paper: Paper
    # Empty in shared exports.
    status: str = ""
    note: str = ""

    @property
    def authors(self) -> list[str]:
        return [name for name in self.paper.authors or [] if isinstance(name, str) and name.strip()]

    @property
    def date(self) -> datetime.date | None:
        """The paper's own date, else the day it was listed (arXiv listings give no other)."""
        return self.paper.published_on or self.paper.listed_on


def export_entries(reading_list: ReadingList, *, private: bool) -> list[ExportEntry]:
    """The list's papers in the list's order; `private` adds the owner's reading status and note."""
    items = (
        reading_list.items.select_related("paper")
        .defer("paper__search_vector")
        # The list page's "your order" (reading_lists.MANUAL_ORDER), so a file reads like the page.
        .order_by("position", "-added_at", "-pk")
    )
    if not private:
        return [ExportEntry(item.paper) for item in items]
    return [ExportEntry(item.paper, item.get_status_display(), item.note) for item in items]
