"""What one list's page shows: the status filter, the order, the page of items, the counts.

Three queries whatever the list's length: the counts per status (which also give the paginator its
total), and one page of items with their papers. The list itself is the caller's query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Lower
from django.http import QueryDict
from django.urls import reverse

from papers.lists.operations import MANUAL_ORDER
from papers.models import ReadingList, ReadingListItem
from papers.pagination import CountedPaginator

ITEMS_PER_PAGE = 100
STATUSES = ReadingListItem.Status

SORTS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "manual": ("Your order", MANUAL_ORDER),
    "added": ("Recently added", ("-added_at", "-pk")),
    "title": ("Title", (Lower("paper__title"), "pk")),
    "published": ("Publication date", (F("paper__published_on").desc(nulls_last=True), "-pk")),
}
DEFAULT_SORT = "manual"


@dataclass(frozen=True)
class ListView:
    """The filter and order in a list page's query string; anything unknown means the default."""

    status: str
    sort: str

    @classmethod
    def from_query(cls, query: QueryDict) -> ListView:
        status = query.get("status", "")
        sort = query.get("sort", DEFAULT_SORT)
        return cls(
            status=status if status in STATUSES.values else "",
            sort=sort if sort in SORTS else DEFAULT_SORT,
        )

    @property
    def reorderable(self) -> bool:
        """Moving items up and down only makes sense while the page shows the whole list in its order."""
        return self.sort == DEFAULT_SORT and not self.status

    def query(self, **changes: str) -> str:
        """`?status=…&sort=…` with `changes` applied; defaults are left out of the URL."""
        values = {"status": self.status, "sort": self.sort} | changes
        params = {key: value for key, value in values.items() if value and value != DEFAULT_SORT}
        return f"?{urlencode(params)}" if params else ""

    def order(self) -> tuple[Any, ...]:
        return SORTS[self.sort][1]


def list_items(reading_list: ReadingList, view: ListView) -> QuerySet[ReadingListItem]:
    items = reading_list.items.select_related("paper").defer("paper__search_vector", "paper__abstract")
    if view.status:
        items = items.filter(status=view.status)
    return items.order_by(*view.order())


def status_counts(reading_list: ReadingList) -> dict[str, int]:
    """The list's items in all (`total`) and per status, in one query."""
    return reading_list.items.aggregate(
        total=Count("pk"), **{s.value: Count("pk", filter=Q(status=s.value)) for s in STATUSES}
    )


def status_tabs(view: ListView, counts: dict[str, int]) -> list[dict[str, Any]]:
    tabs = [("", "All", counts["total"])] + [(s.value, s.label, counts[s.value]) for s in STATUSES]
    return [
        {"value": value, "label": label, "count": count, "url": view.query(status=value)}
        for value, label, count in tabs
    ]


def list_page_context(reading_list: ReadingList, query: QueryDict) -> dict[str, Any]:
    view = ListView.from_query(query)
    counts = status_counts(reading_list)
    shown = counts[view.status] if view.status else counts["total"]
    page = CountedPaginator(list_items(reading_list, view), ITEMS_PER_PAGE, count=shown).get_page(
        query.get("page")
    )
    return {
        "reading_list": reading_list,
        "list_url": reverse("papers:list_detail", args=[reading_list.pk]),
        "view": view,
        "page_obj": page,
        "counts": counts,
        "status_tabs": status_tabs(view, counts),
        "sort_tabs": [
            {"value": key, "label": label, "url": view.query(sort=key)} for key, (label, _) in SORTS.items()
        ],
        "statuses": STATUSES.choices,
        "is_owner": True,
    }
