"""/account/: the user's own data. Download all of it as JSON, see the private subscribe URLs of their
lists (and regenerate the token in them), delete the account and everything in it."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from papers.accounts.export import account_data, account_delete
from papers.lists.exports import FORMATS
from papers.models import Profile, ReadingList


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Nothing was deleted.")
        return password


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # every caller is behind login_required
    return request.user


@require_safe
@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = {
        # Created here on first visit: the token exists before any subscribe URL can be shown.
        "profile": Profile.for_user(user),
        "reading_lists": ReadingList.objects.filter(owner=user).annotate(item_count=Count("items")),
        "formats": FORMATS.values(),
    }
    return render(request, "account/account.html", context)


@require_safe
@login_required
@never_cache
def account_export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    content = json.dumps(account_data(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    filename = f"papershelf-{slugify(user.get_username()) or 'account'}.json"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@require_POST
@login_required
def account_feed_token(request: HttpRequest) -> HttpResponse:
    Profile.for_user(_user(request)).regenerate_feed_token()
    messages.success(
        request,
        "Your subscribe links have a new token. The old links no longer work: "
        "update them in your reference manager.",
    )
    return redirect("papers:account")


@sensitive_post_parameters("password")
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def account_delete_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = AccountDeleteForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        account_delete(user=user)
        logout(request)
        return redirect("papers:account_deleted")
    return render(request, "account/delete.html", {"form": form})


@require_safe
def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "account/deleted.html")
