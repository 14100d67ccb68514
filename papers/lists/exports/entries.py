"""What an export contains: the list's papers in list order, with the owner's status and note or without.

The privacy decision is made here, once: a shared export's entries carry no status and no note, so no
renderer can leak them whatever it does.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from papers.models import Paper, ReadingList, arxiv_id_month

# The arXiv DOI prefix: every arXiv paper has the DOI 10.48550/arXiv.<id>, as Zotero records it.
ARXIV_DOI_PREFIX = "10.48550/arXiv."


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

    @property
    def date_parts(self) -> tuple[int, ...]:
        """(year, month, day) as far as they are known: the paper's own date to its precision, else its
        listing day, else the year and month of a new-style arXiv id; () when nothing is known."""
        paper = self.paper
        if paper.published_on:
            day = paper.published_on
            parts = (day.year, day.month, day.day)
            return parts[: {"year": 1, "month": 2}.get(paper.published_precision, 3)]
        if paper.listed_on:
            return (paper.listed_on.year, paper.listed_on.month, paper.listed_on.day)
        return arxiv_id_month(paper.arxiv_id) or ()

    @property
    def year(self) -> int | None:
        return self.date_parts[0] if self.date_parts else None

    @property
    def doi(self) -> str:
        """The paper's DOI, else arXiv's for an arXiv paper."""
        if self.paper.doi:
            return self.paper.doi
        return f"{ARXIV_DOI_PREFIX}{self.paper.arxiv_id}" if self.paper.arxiv_id else ""

    @property
    def unknown(self) -> str:
        """What the catalogue does not know about the paper yet, said plainly ("" when nothing):
        formats print this instead of inventing an author or a year."""
        missing = []
        if not self.authors:
            count = self.paper.author_count
            missing.append(f"names of its {count} authors" if count and count > 1 else "author names")
        if not self.date_parts:
            missing.append("date")
        if not missing:
            return ""
        return f"{' and '.join(missing).capitalize()} not known to Papershelf"

    @property
    def tags(self) -> list[str]:
        """Keywords: the arXiv categories, and the owner's reading status ("status: reading")."""
        tags = [category for category in self.paper.categories or [] if isinstance(category, str)]
        if self.status:
            tags.append(f"status: {self.status.lower()}")
        return tags


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
