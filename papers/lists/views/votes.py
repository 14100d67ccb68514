"""The upvote button: one form that posts the state the user wants, swapped in place by htmx."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from papers.feed.user_state import UserPaperState
from papers.forms import UpvoteForm
from papers.htmx import wants_fragment
from papers.lists.votes import paper_unvote, paper_upvote
from papers.models import Paper
from papers.redirects import AuthenticatedRequest, login_required_for_action, return_path


@require_POST
@vary_on_headers("HX-Request")
@login_required_for_action
def upvote(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    paper = get_object_or_404(Paper.objects.defer("search_vector"), pk=pk)
    form = UpvoteForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Say whether to upvote or remove the upvote.")
    upvoted = form.cleaned_data["action"] == "upvote"
    if upvoted:
        paper_upvote(user=request.user, paper=paper)
    else:
        paper_unvote(user=request.user, paper=paper)
    next_url = return_path(request, paper.get_absolute_url())
    if not wants_fragment(request):
        return redirect(next_url)
    # Read the count back: other users' votes may have moved it too.
    paper.refresh_from_db(fields=["upvote_count", "source_upvotes"])
    context = {
        "paper": paper,
        # Whichever of several concurrent clicks won, the user now has the state this one asked for.
        "user_state": UserPaperState(authenticated=True, upvoted=frozenset([paper.pk] if upvoted else [])),
        "next_url": next_url,
    }
    return render(request, "papers/_upvote_button.html", context)
