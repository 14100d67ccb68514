"""Digest settings, and the two links in every digest email that work without logging in.

GET never changes anything: mail security scanners (Outlook Safe Links, corporate gateways) open every
link in a message, so a GET that saved or unsubscribed would act without the user. Both links show a page
with one button, and the POST checks the token again. The unsubscribe URL also takes the RFC 8058
one-click POST that mail clients send with no cookie and no CSRF token; the signed token is the proof
there, hence csrf_exempt.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from papers.digest.forms import DigestSettingsForm
from papers.digest.tokens import ExpiredLink, InvalidLink, read_save_token, read_unsubscribe_token
from papers.lists.operations import default_reading_list, reading_list_add
from papers.models import DigestSubscription, Paper


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def digest_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    subscription = DigestSubscription.objects.filter(user=user).first() or DigestSubscription(user=user)
    form = DigestSettingsForm(request.POST if request.method == "POST" else None, instance=subscription)
    if form.is_valid():
        # update_or_create, not form.save(): two tabs saving a first subscription at once both succeed.
        values = form.subscription_values()
        DigestSubscription.objects.update_or_create(user=user, defaults=values)
        if values["enabled"]:
            messages.success(request, "Saved. Your digest will arrive at the time you chose.")
        else:
            messages.success(request, "Saved. You will not receive a digest.")
        return redirect("papers:digest_settings")
    return render(request, "digest/settings.html", {"form": form})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def digest_save(request: HttpRequest, token: str) -> HttpResponse:
    """Save a paper from a digest to the recipient's Read later list; the token names both."""
    try:
        link = read_save_token(token)
    except InvalidLink as error:
        return _refused(request, error)
    owner = User.objects.filter(pk=link.user_id, is_active=True).first()
    paper = Paper.objects.defer("search_vector").filter(pk=link.paper_id).first()
    if owner is None or paper is None:
        return _refused(request, GoneLink("the account or the paper no longer exists"))
    is_owner = request.user.is_authenticated and request.user.pk == owner.pk
    if request.method != "POST":
        return _render_token_page(
            request,
            "digest/save_confirm.html",
            {"paper": paper, "signed_in_as_someone_else": (request.user.is_authenticated and not is_owner)},
        )
    reading_list = default_reading_list(owner)
    reading_list_add(reading_list=reading_list, paper=paper)
    if is_owner:
        messages.success(request, f"Saved to “{reading_list.name}”: {paper.title}")
        return redirect(paper)
    return _render_token_page(request, "digest/saved.html", {"paper": paper, "reading_list": reading_list})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_id = read_unsubscribe_token(token)
    except InvalidLink as error:
        return _refused(request, error)
    if request.method != "POST":
        return _render_token_page(request, "digest/unsubscribe_confirm.html", {})
    # An account deleted since the email was sent has nothing left to turn off: still a success.
    DigestSubscription.objects.filter(user_id=user_id).update(enabled=False)
    return _render_token_page(request, "digest/unsubscribed.html", {})


def _render_token_page(request: HttpRequest, template: str, context: dict[str, object]) -> HttpResponse:
    response = render(request, template, context)
    # The URL carries a secret; no search engine should keep it.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class GoneLink(InvalidLink):
    """A genuine token for an account or a paper that has since been deleted."""


def _refused(request: HttpRequest, error: InvalidLink) -> HttpResponse:
    """400 for a link that was never valid (altered, truncated, for another purpose); 410 for one that was."""
    reason = (
        "expired" if isinstance(error, ExpiredLink) else "gone" if isinstance(error, GoneLink) else "invalid"
    )
    response = render(
        request, "digest/link_refused.html", {"reason": reason}, status=400 if reason == "invalid" else 410
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
