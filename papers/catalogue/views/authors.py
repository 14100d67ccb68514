"""Author pages (their papers in the catalogue, newest first) and following an author."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from papers.alerts.operations import TooManyAlerts, author_follow, author_unfollow, follows_author
from papers.catalogue.authors import Author
from papers.feed.user_state import UserPaperState
from papers.htmx import HtmxHttpRequest, wants_fragment
from papers.models import Paper
from papers.pagination import paginate
from papers.redirects import AuthenticatedRequest, login_required_for_action, return_path


def _author(slug: str) -> Author:
    author = Author.find(slug)
    if author is None:
        raise Http404("No paper in the catalogue has this author.")
    return author


@require_safe
@vary_on_headers("HX-Request", "HX-Target")
def author_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    author = _author(slug)
    papers = Paper.objects.visible_to(request.user).by_author(author.key).by_newest()
    page = paginate(request, papers)
    context = {
        "author": author,
        "page_obj": page,
        "user_state": UserPaperState.for_page(request.user, page),
        "following": follows_author(request.user, author.name),
    }
    if wants_fragment(request, target="load-more"):
        return render(request, "papers/_paper_list.html#paper-items", context)
    return render(request, "papers/author.html", context)


def _follow_response(request: AuthenticatedRequest, author: Author, *, following: bool) -> HttpResponse:
    if wants_fragment(request):
        return render(request, "papers/author.html#follow-button", {"author": author, "following": following})
    return redirect(return_path(request, author.url))


@require_POST
@vary_on_headers("HX-Request")
@login_required_for_action
def author_follow_view(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    author = _author(slug)
    try:
        author_follow(user=request.user, name=author.name)
    except TooManyAlerts as error:
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    return _follow_response(request, author, following=True)


@require_POST
@vary_on_headers("HX-Request")
@login_required_for_action
def author_unfollow_view(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    author = _author(slug)
    author_unfollow(user=request.user, name=author.name)
    return _follow_response(request, author, following=False)
