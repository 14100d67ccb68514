"""Paging for every list of papers: `?page=N`, where a bad or too-large N never errors."""

from __future__ import annotations

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
