"""Paging for every list of papers: `?page=N`, where a bad or too-large N never errors."""

from __future__ import annotations

import math
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAPERS_PER_PAGE = 30


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int = PAPERS_PER_PAGE) -> Page:
    """The requested page; a malformed number gives the first page and one past the end the last."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


class CountedPaginator(Paginator):
    """A paginator that is told its count instead of running COUNT(*)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def paginate_counted(
    request: HttpRequest, queryset: QuerySet[Any], *, max_count: int, per_page: int = PAPERS_PER_PAGE
) -> Page:
    """Like `paginate`, for a queryset whose rows carry the total as `match_count` (a window COUNT).

    One query per page instead of two; only a page past the end costs a COUNT, to find the last page.
    """
    try:
        number = max(1, int(request.GET.get("page") or 1))
    except ValueError:
        number = 1
    # No page can lie beyond the most results there can be; capping also keeps OFFSET a sane integer.
    number = min(number, math.ceil(max_count / per_page))
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page])
    if rows:
        count = rows[0].match_count
    elif number > 1:
        count = queryset.count()
    else:
        count = 0
    page = CountedPaginator(queryset, per_page, count=count).get_page(number)
    if page.number == number:
        page.object_list = rows
    return page
