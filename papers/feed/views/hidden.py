""" "Not interested": hide a paper from the user's listings, and /hidden/ to see and undo that."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from papers.feed.user_state import UserPaperState
from papers.htmx import wants_fragment
from papers.lists.votes import paper_dismiss, paper_undismiss
from papers.models import Dismissal, Paper
from papers.pagination import paginate
from papers.redirects import AuthenticatedRequest, login_required_for_action, return_path

HIDDEN_PER_PAGE = 50


def _paper(pk: int) -> Paper:
    return get_object_or_404(Paper.objects.defer("search_vector"), pk=pk)


@require_POST
@vary_on_headers("HX-Request")
@login_required_for_action
def dismiss(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    paper = _paper(pk)
    paper_dismiss(user=request.user, paper=paper)
    next_url = return_path(request, reverse("papers:daily"))
    if wants_fragment(request):
        return render(request, "lists/_hidden_notice.html", {"paper": paper, "next_url": next_url})
    messages.success(request, f"Hidden: {paper.title}. Find it again under Hidden papers.")
    return redirect(next_url)


@require_POST
@vary_on_headers("HX-Request", "HX-Target")
@login_required_for_action
def undismiss(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Undo. From a card's "Hidden" notice the card comes back; from /hidden/ the row says so."""
    paper = _paper(pk)
    paper_undismiss(user=request.user, paper=paper)
    next_url = return_path(request, reverse("papers:hidden"))
    if wants_fragment(request, target=f"paper-card-{paper.pk}"):
        context = {
            "paper": paper,
            "user_state": UserPaperState.for_papers(request.user, [paper]),
            "next_url": next_url,
        }
        return render(request, "papers/_paper_card.html", context)
    if wants_fragment(request):
        return render(request, "lists/hidden.html#hidden-row-restored", {"paper": paper})
    messages.success(request, f"Shown again: {paper.title}")
    return redirect(next_url)


@require_safe
@login_required
def hidden_papers(request: AuthenticatedRequest) -> HttpResponse:
    """The papers the user hid, most recently hidden first."""
    dismissals = (
        Dismissal.objects.filter(user=request.user)
        .select_related("paper")
        .defer("paper__search_vector", "paper__abstract")
        .order_by("-created_at", "-pk")
    )
    page = paginate(request, dismissals, per_page=HIDDEN_PER_PAGE)
    return render(request, "lists/hidden.html", {"page_obj": page})
