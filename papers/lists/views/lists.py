"""Reading lists: the index, one list's page, create, rename, delete, and sharing by link.

Every lookup of a list includes `owner=request.user` in the query itself, so another user's list is a
404 exactly like a list that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from papers.forms import ReadingListForm
from papers.lists.operations import (
    LIST_ORDER,
    MANUAL_ORDER,
    DefaultListNotDeletable,
    ListNameTaken,
    default_reading_list,
    reading_list_create,
    reading_list_delete,
    reading_list_share,
    reading_list_unshare,
    reading_list_update,
)
from papers.lists.views.list_page import ITEMS_PER_PAGE, list_page_context
from papers.models import ReadingList, ReadingListItem
from papers.pagination import CountedPaginator
from papers.redirects import AuthenticatedRequest, login_required_for_action

STATUSES = ReadingListItem.Status


def owned_list(request: AuthenticatedRequest, pk: int) -> ReadingList:
    return get_object_or_404(ReadingList, pk=pk, owner=request.user)


@require_safe
@login_required
def list_index(request: AuthenticatedRequest) -> HttpResponse:
    """The user's lists with their counts per status, in one query."""
    per_status = {status.value: Count("items", filter=Q(items__status=status.value)) for status in STATUSES}
    lists_query = (
        ReadingList.objects.filter(owner=request.user)
        .annotate(total=Count("items"), **per_status)
        .order_by(*LIST_ORDER)
    )
    lists = list(lists_query)
    if not any(reading_list.is_default for reading_list in lists):
        # Every user has a Read later list; the first visit here (or the first save) creates it.
        default_reading_list(request.user)
        lists = list(lists_query.all())
    for reading_list in lists:
        reading_list.status_counts = [  # type: ignore[attr-defined]
            (status.label, getattr(reading_list, status.value)) for status in STATUSES
        ]
    context = {"lists": lists, "form": ReadingListForm(owner=request.user, auto_id="new-list-%s")}
    return render(request, "lists/index.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@login_required_for_action
def list_create(request: AuthenticatedRequest) -> HttpResponse:
    form = ReadingListForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        try:
            reading_list = reading_list_create(
                owner=request.user, name=name, description=form.cleaned_data["description"]
            )
        except ListNameTaken:
            form.add_error("name", ReadingListForm.name_taken_message(name))
        else:
            messages.success(request, f"Created “{reading_list.name}”.")
            return redirect("papers:list_detail", pk=reading_list.pk)
    return render(request, "lists/form.html", {"form": form, "reading_list": None})


@require_safe
@login_required
def list_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    reading_list = owned_list(request, pk)
    context = list_page_context(reading_list, request.GET)
    if reading_list.share_token:
        context["share_url"] = request.build_absolute_uri(
            reverse("papers:list_shared", args=[reading_list.share_token])
        )
    return render(request, "lists/detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@login_required_for_action
def list_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Rename or describe a list; the default list too (it stays the default)."""
    reading_list = owned_list(request, pk)
    form = ReadingListForm(request.POST or None, owner=request.user, instance=reading_list)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        try:
            reading_list_update(
                reading_list=reading_list, name=name, description=form.cleaned_data["description"]
            )
        except ListNameTaken:
            form.add_error("name", ReadingListForm.name_taken_message(name))
        else:
            messages.success(request, "Saved the name and description.")
            return redirect("papers:list_detail", pk=reading_list.pk)
    # A refused rename must not show the refused name as the list's title.
    reading_list.refresh_from_db(fields=["name", "description"])
    return render(request, "lists/form.html", {"form": form, "reading_list": reading_list})


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@login_required_for_action
def list_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes the list and its items (never the papers)."""
    reading_list = owned_list(request, pk)
    if request.method == "POST":
        try:
            reading_list_delete(reading_list=reading_list)
        except DefaultListNotDeletable:
            messages.error(
                request, f"“{reading_list.name}” is your default list: you can rename it, but not delete it."
            )
            return redirect("papers:list_detail", pk=reading_list.pk)
        messages.success(request, f"Deleted “{reading_list.name}”.")
        return redirect("papers:list_index")
    item_count = reading_list.items.count()
    return render(request, "lists/delete.html", {"reading_list": reading_list, "item_count": item_count})


@require_POST
@vary_on_headers("HX-Request")
@login_required_for_action
def list_share(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    reading_list = owned_list(request, pk)
    reading_list_share(reading_list=reading_list)
    messages.success(request, "Anyone with the link can now read this list (not your notes or statuses).")
    return redirect(reverse("papers:list_detail", args=[reading_list.pk]) + "#share")


@require_POST
@vary_on_headers("HX-Request")
@login_required_for_action
def list_unshare(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    reading_list = owned_list(request, pk)
    reading_list_unshare(reading_list=reading_list)
    messages.success(request, "Stopped sharing: the old link no longer works.")
    return redirect(reverse("papers:list_detail", args=[reading_list.pk]) + "#share")


@require_safe
@never_cache
def list_shared(request: HttpRequest, token: str) -> HttpResponse:
    """The read-only page behind a share link: titles in the owner's order, no notes, no statuses.

    never_cache: once the owner revokes the link, no cache may keep serving the list.
    """
    reading_list = get_object_or_404(ReadingList, share_token=token)
    total = reading_list.items.count()
    items = (
        reading_list.items.select_related("paper")
        .defer("note", "paper__search_vector", "paper__abstract")
        .order_by(*MANUAL_ORDER)
    )
    page = CountedPaginator(items, ITEMS_PER_PAGE, count=total).get_page(request.GET.get("page"))
    context: dict[str, Any] = {"reading_list": reading_list, "page_obj": page, "is_owner": False}
    response = render(request, "lists/shared.html", context)
    # Unlisted, not secret from whoever has the link, but no search engine should list it.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
