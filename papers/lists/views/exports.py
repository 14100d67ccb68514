"""Reading-list exports: the owner's download, the owner's token URL for reference managers, shared lists.

/lists/<id>/export.<fmt>                  the logged-in owner (a download with notes and statuses)
/lists/<id>/export.<fmt>?token=<feed>     the same, for programs that cannot log in (Profile.feed_token)
/shared/<share_token>/export.<fmt>        anyone with the share link; no notes or statuses

Every miss is a 404: an unknown format, another user's list, a wrong or old token, a revoked share link.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from papers.lists.exports import FORMATS, ExportFormat, export_filename, export_reading_list
from papers.models import ReadingList


@require_safe
@never_cache
def list_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    export_format = _format_or_404(fmt)
    if "token" in request.GET:
        # The token alone decides, logged in or not: a reference manager's URL must behave the same in a
        # browser, and a stale token must fail visibly rather than fall back to the session.
        token = request.GET["token"]
        if not token:
            raise Http404
        reading_list = get_object_or_404(ReadingList, pk=pk, owner__profile__feed_token=token)
    elif request.user.is_authenticated:
        reading_list = get_object_or_404(ReadingList, pk=pk, owner=request.user)
    else:
        return redirect_to_login(request.get_full_path())
    return _export_response(reading_list, export_format, private=True)


@require_safe
@never_cache
def shared_list_export(request: HttpRequest, share_token: str, fmt: str) -> HttpResponse:
    export_format = _format_or_404(fmt)
    reading_list = get_object_or_404(ReadingList, share_token=share_token)
    return _export_response(reading_list, export_format, private=False)


def _format_or_404(fmt: str) -> ExportFormat:
    try:
        return FORMATS[fmt]
    except KeyError:
        raise Http404(f"No export format {fmt!r}") from None


def _export_response(
    reading_list: ReadingList, export_format: ExportFormat, *, private: bool
) -> HttpResponse:
    content = export_reading_list(reading_list, export_format, private=private)
    response = HttpResponse(content, content_type=f"{export_format.content_type}; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=export_filename(reading_list, export_format)
    )
    # Token and share URLs are secrets in a URL; keep them and their content out of search engines.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
