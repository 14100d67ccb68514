"""A paper card's save control: quick save to Read later, the menu of the user's lists, "new list"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from papers.feed.user_state import UserPaperState
from papers.forms import NewListForPaperForm, ReadingListForm, SaveForm, database_id
from papers.htmx import wants_fragment
from papers.lists.operations import (
    ListNameTaken,
    default_reading_list,
    reading_list_add,
    reading_list_create_with_paper,
    reading_list_remove,
)
from papers.models import Paper, ReadingList
from papers.redirects import AuthenticatedRequest, login_required_for_action, return_path


def _paper(pk: int) -> Paper:
    return get_object_or_404(Paper.objects.defer("search_vector"), pk=pk)


def _render_control(
    request: AuthenticatedRequest,
    paper: Paper,
    *,
    template: str,
    next_url: str,
    menu_open: bool,
    form: NewListForPaperForm | None = None,
) -> HttpResponse:
    context: dict[str, Any] = {
        "paper": paper,
        # The control alone shows no upvote; the save page (lists/save.html) has the upvote button too.
        "user_state": UserPaperState.for_papers(
            request.user, [paper], upvotes=template != "papers/_save_control.html"
        ),
        "next_url": next_url,
        "menu_open": menu_open,
        "new_list_form": form,
    }
    return render(request, template, context)


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@login_required_for_action
def paper_save(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """GET: the control (a page of its own without htmx). POST: `add` or `remove` one list.

    Posting the wanted state, not a toggle, makes a double click or a retry harmless.
    """
    paper = _paper(pk)
    next_url = return_path(request, paper.get_absolute_url())
    if request.method != "POST":
        template = "papers/_save_control.html" if wants_fragment(request) else "lists/save.html"
        return _render_control(request, paper, template=template, next_url=next_url, menu_open=True)

    form = SaveForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose one list to add the paper to or remove it from.")
    reading_list = _owned_list(request, form.list_key, create_default=form.adding)
    if reading_list is not None:
        if form.adding:
            reading_list_add(reading_list=reading_list, paper=paper)
        else:
            reading_list_remove(reading_list=reading_list, paper=paper)

    if wants_fragment(request):
        return _render_control(
            request,
            paper,
            template="papers/_save_control.html",
            next_url=next_url,
            menu_open=bool(request.POST.get("menu")),
        )
    if reading_list is not None:
        verb = "Saved to" if form.adding else "Removed from"
        messages.success(request, f"{verb} “{reading_list.name}”: {paper.title}")
    return redirect(next_url)


def _owned_list(request: AuthenticatedRequest, key: str, *, create_default: bool) -> ReadingList | None:
    """The user's list named by `key`; another user's id is a 404, as if it did not exist."""
    if key == "default":
        if create_default:
            return default_reading_list(request.user)
        return ReadingList.objects.filter(owner=request.user, is_default=True).first()
    return get_object_or_404(ReadingList, pk=database_id(key), owner=request.user)


@require_POST
@vary_on_headers("HX-Request")
@login_required_for_action
def paper_save_new_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Create a list and save the paper on it in one step; a bad name is shown next to the field."""
    paper = _paper(pk)
    next_url = return_path(request, paper.get_absolute_url())
    form = NewListForPaperForm(request.POST, owner=request.user)
    if form.is_valid():
        name = form.cleaned_data["name"]
        try:
            reading_list = reading_list_create_with_paper(owner=request.user, name=name, paper=paper)
        except ListNameTaken:
            form.add_error("name", ReadingListForm.name_taken_message(name))
        else:
            if wants_fragment(request):
                return _render_control(
                    request, paper, template="papers/_save_control.html", next_url=next_url, menu_open=True
                )
            messages.success(request, f"Created “{reading_list.name}” and saved {paper.title} on it.")
            return redirect(next_url)
    # htmx swaps only 2xx answers by default, so the form with its errors comes back as a 200.
    template = "papers/_save_control.html" if wants_fragment(request) else "lists/save.html"
    return _render_control(request, paper, template=template, next_url=next_url, menu_open=True, form=form)
