"""The search page's two choices: by words or by meaning, in the whole catalogue or in the reader's lists.

By words is the full-text ranking (papers.catalogue.search); by meaning ranks papers by how close their
embedding is to the query's (papers.catalogue.semantic_search), so "brain-inspired hardware" finds
spiking-network papers that never use those words. "In my lists" keeps only papers on one of the
reader's reading lists. Either way a reader's page is the ranked ids, their dismissals (catalogue only),
the page's papers by id, and, by words, that page's highlights.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from papers.catalogue import search as paper_search
from papers.catalogue.search_results import ranked_ids
from papers.catalogue.semantic_search import search_by_meaning
from papers.models import Dismissal, Paper, ReadingListItem
from papers.pagination import PAPERS_PER_PAGE

WORDS = "words"
MEANING = "meaning"
IN_LISTS = "lists"


class SearchOptions(forms.Form):
    mode = forms.ChoiceField(
        choices=[(WORDS, "Words"), (MEANING, "Meaning")],
        required=False,
        error_messages={"invalid_choice": "Search by words or by meaning."},
    )
    within = forms.ChoiceField(
        choices=[("", "All papers"), (IN_LISTS, "My lists")],
        required=False,
        error_messages={"invalid_choice": "Search all papers or your lists."},
    )

    def clean_mode(self) -> str:
        return self.cleaned_data["mode"] or WORDS


def list_paper_ids(user: User) -> list[int]:
    """Every paper on any of the reader's lists (one query)."""
    return list(
        ReadingListItem.objects.filter(reading_list__owner=user).values_list("paper_id", flat=True).distinct()
    )


def results_page(request: HttpRequest, query: str, *, mode: str, in_lists: bool) -> Page:
    """The requested page (`?page=N`) of `query`'s results in `mode`, for the requesting reader."""
    mine = list_paper_ids(request.user) if in_lists and request.user.is_authenticated else None
    if mode == MEANING:
        ids = search_by_meaning(query, among=mine)
    else:
        ids = ranked_ids(query)
        if mine is not None:
            on_lists = set(mine)
            ids = [pk for pk in ids if pk in on_lists]
    if ids and mine is None and request.user.is_authenticated:
        # Papers on the reader's own lists are theirs to find even if dismissed once; elsewhere a
        # dismissal hides a paper, as in every listing.
        dismissed = set(Dismissal.objects.filter(user=request.user).values_list("paper_id", flat=True))
        ids = [pk for pk in ids if pk not in dismissed]
    page = Paginator(ids, PAPERS_PER_PAGE).get_page(request.GET.get("page"))
    by_pk = Paper.objects.defer("search_vector").in_bulk(list(page.object_list))
    papers = [by_pk[pk] for pk in page.object_list if pk in by_pk]
    if mode == WORDS:
        paper_search.attach_headlines(papers, query)
    page.object_list = papers  # type: ignore[assignment]  # the ids of the page, as papers
    return page
