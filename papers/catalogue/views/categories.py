"""Remembering the categories a reader keeps to and leaves out of listings and search."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from papers.catalogue.filters import FilterError, parse_categories
from papers.models import Profile
from papers.redirects import AuthenticatedRequest, login_required_for_action, return_path


@require_POST
@login_required_for_action
def remember_categories(request: AuthenticatedRequest) -> HttpResponse:
    """Keep `cat` and `xcat` as the reader's categories (`forget`: none), then back to the page."""
    forget = request.POST.get("forget") == "1"
    try:
        included = () if forget else parse_categories(request.POST.get("cat", ""))
        excluded = () if forget else parse_categories(request.POST.get("xcat", ""))
    except FilterError as error:
        return HttpResponseBadRequest(str(error))
    profile = Profile.for_user(request.user)
    profile.categories_included, profile.categories_excluded = list(included), list(excluded)
    profile.save(update_fields=["categories_included", "categories_excluded"])
    if forget:
        messages.success(request, "Your categories are forgotten: listings and search show every category.")
    else:
        messages.success(request, "Your categories are remembered on every listing and search.")
    back = return_path(request, reverse("papers:daily"))
    # The page comes back with the remembered categories, not with the ones in its address.
    path, _, query = back.partition("?")
    params = QueryDict(query, mutable=True)
    for name in ("cat", "xcat", "page", "seen_before"):
        params.pop(name, None)
    return redirect(f"{path}?{params.urlencode()}" if params else path)
