"""The items of a list: status and note (inline, one `#list-item-<id>` at a time), order, bulk removal.

Items are always looked up together with their list's owner (`reading_list__owner=request.user`), and
ids posted for reordering or removal are matched against the owner's list only: another user's item is
a 404 or is ignored, never touched.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from papers.forms import ItemNoteForm, ItemStatusForm, RemoveItemsForm, ReorderForm
from papers.htmx import wants_fragment
from papers.lists.operations import (
    reading_list_item_set_note,
    reading_list_item_set_status,
    reading_list_move_item,
    reading_list_remove_items,
    reading_list_reorder,
)
from papers.lists.views.list_page import STATUSES, ListView, list_page_context, status_counts, status_tabs
from papers.lists.views.lists import owned_list
from papers.models import ReadingListItem
from papers.redirects import AuthenticatedRequest, login_required_for_action, return_path


def _owned_item(request: AuthenticatedRequest, pk: int) -> ReadingListItem:
    items = ReadingListItem.objects.select_related("reading_list", "paper").defer(
        "paper__search_vector", "paper__abstract"
    )
    return get_object_or_404(items, pk=pk, reading_list__owner=request.user)


def _query_of(path: str) -> QueryDict:
    return QueryDict(urlsplit(path).query)


def _render_item(
    request: AuthenticatedRequest,
    item: ReadingListItem,
    next_url: str,
    *,
    note_form: ItemNoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "item": item,
        "view": ListView.from_query(_query_of(next_url)),
        "statuses": STATUSES.choices,
        "next_url": next_url,
        "note_form": note_form,
    }
    return render(request, "lists/_list_item.html", context, status=status)


def _item_return_path(request: AuthenticatedRequest, item: ReadingListItem) -> str:
    return return_path(request, reverse("papers:list_detail", args=[item.reading_list_id]))


@require_POST
@vary_on_headers("HX-Request")
@login_required_for_action
def item_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _owned_item(request, pk)
    next_url = _item_return_path(request, item)
    form = ItemStatusForm(request.POST)
    if not form.is_valid():
        # The buttons only ever send valid statuses; anything else is a hand-made request.
        return HttpResponse("Unknown reading status.", status=400, content_type="text/plain")
    reading_list_item_set_status(item=item, status=form.cleaned_data["status"])
    if wants_fragment(request):
        response = _render_item(request, item, next_url)
        # The page's status tabs ("Read 3") come along out of band, so their counts change with the item.
        view = ListView.from_query(_query_of(next_url))
        tabs = render(
            request,
            "lists/detail.html#status-tabs",
            {
                "oob": True,
                "view": view,
                "status_tabs": status_tabs(view, status_counts(item.reading_list)),
                "list_url": reverse("papers:list_detail", args=[item.reading_list_id]),
            },
        )
        response.content += tabs.content
        return response
    messages.success(request, f"Marked “{item.get_status_display()}”: {item.paper.title}")
    return redirect(f"{next_url}#list-item-{item.pk}")


@require_POST
@vary_on_headers("HX-Request")
@login_required_for_action
def item_note(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _owned_item(request, pk)
    next_url = _item_return_path(request, item)
    form = ItemNoteForm(request.POST)
    if form.is_valid():
        reading_list_item_set_note(item=item, note=form.cleaned_data["note"])
        if wants_fragment(request):
            return _render_item(request, item, next_url)
        messages.success(request, f"Saved your note on {item.paper.title}")
        return redirect(f"{next_url}#list-item-{item.pk}")
    # htmx swaps only 2xx answers by default, so the item comes back with the error as a 200.
    if wants_fragment(request):
        return _render_item(request, item, next_url, note_form=form)
    return render(request, "lists/item_note.html", {"item": item, "form": form, "next_url": next_url})


@require_POST
@vary_on_headers("HX-Request")
@login_required_for_action
def list_reorder(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One item up or down (the page's buttons), or a whole new `order`; foreign ids are ignored."""
    reading_list = owned_list(request, pk)
    next_url = return_path(request, reverse("papers:list_detail", args=[reading_list.pk]))
    form = ReorderForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Nothing to reorder.", status=400, content_type="text/plain")
    moved = form.cleaned_data["item"]
    if form.cleaned_data["order"]:
        reading_list_reorder(reading_list=reading_list, item_ids=form.cleaned_data["order"])
    else:
        offset = -1 if form.cleaned_data["direction"] == "up" else 1
        reading_list_move_item(reading_list=reading_list, item_id=moved, offset=offset)
    if wants_fragment(request):
        context = list_page_context(reading_list, _query_of(next_url)) | {"next_url": next_url}
        return render(request, "lists/detail.html#list-items", context)
    return redirect(f"{next_url}#list-item-{moved}" if moved else next_url)


@require_POST
@vary_on_headers("HX-Request")
@login_required_for_action
def list_remove_items(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Remove the ticked items in one go; ids of items on other lists are ignored."""
    reading_list = owned_list(request, pk)
    next_url = return_path(request, reverse("papers:list_detail", args=[reading_list.pk]))
    form = RemoveItemsForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["item"]))
        return redirect(next_url)
    removed = reading_list_remove_items(reading_list=reading_list, item_ids=form.cleaned_data["item"])
    messages.success(
        request, f"Removed {removed} paper{'s' if removed != 1 else ''} from “{reading_list.name}”."
    )
    return redirect(next_url)
