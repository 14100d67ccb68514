"""The alerts page (saved searches and followed authors, with their private Atom feeds), saving a search
from the search page, and deleting an alert."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from papers.alerts.operations import TooManyAlerts, search_save
from papers.catalogue import search as paper_search
from papers.catalogue.filters import FilterError, PaperFilters
from papers.models import Alert, Profile
from papers.redirects import AuthenticatedRequest, login_required_for_action


class SaveSearchForm(forms.Form):
    name = forms.CharField(max_length=Alert.NAME_MAX_LENGTH, required=False, strip=True)
    q = forms.CharField(max_length=Alert.QUERY_MAX_LENGTH, required=False, strip=True)


@require_safe
@login_required_for_action
def alert_index(request: AuthenticatedRequest) -> HttpResponse:
    alerts = list(Alert.objects.filter(user=request.user).order_by("kind", "name", "pk"))
    profile = Profile.for_user(request.user)
    context = {
        "searches": [alert for alert in alerts if alert.kind == Alert.Kind.SEARCH],
        "authors": [alert for alert in alerts if alert.kind == Alert.Kind.AUTHOR],
        "feed_token": profile.feed_token,
    }
    return render(request, "alerts/index.html", context)


@require_POST
@login_required_for_action
def alert_save_search(request: AuthenticatedRequest) -> HttpResponse:
    """Save the search on the page (its words and filters) as an alert; a name defaults to the words."""
    form = SaveSearchForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("An alert's name has at most 100 characters, its search at most 200.")
    query, _ = paper_search.clean_query(form.cleaned_data["q"])
    try:
        filters = PaperFilters.from_query(request.POST)
    except FilterError as error:
        return HttpResponseBadRequest(str(error))
    if not query and not (filters.included or filters.author):
        return HttpResponseBadRequest("An alert needs words to search for, a category or an author.")
    name = form.cleaned_data["name"] or query or filters.author or " ".join(filters.included)
    try:
        alert = search_save(
            user=request.user, name=name[: Alert.NAME_MAX_LENGTH], query=query, filters=filters
        )
    except TooManyAlerts as error:
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    messages.success(request, f"Alert saved: “{alert.name}”. New papers that match appear in your feed.")
    return redirect(reverse("papers:alerts"))


@require_POST
@login_required_for_action
def alert_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=pk, user=request.user)
    alert.delete()
    messages.success(request, f"Alert deleted: “{alert.name}”.")
    return redirect(reverse("papers:alerts"))
