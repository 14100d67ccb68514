"""/lists/<id>/import/: add papers to a list from pasted arXiv ids/URLs or a .bib/.ris upload.

The form posts normally without JavaScript; with htmx it posts in the background and swaps in the
#import-result fragment. Either way the work is `papers.lists.imports.import_into_list`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from papers.htmx import HtmxHttpRequest, wants_fragment
from papers.lists import imports as list_imports
from papers.models import ReadingList


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@vary_on_headers("HX-Request", "HX-History-Restore-Request", "HX-Target")
def list_import(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    reading_list = get_object_or_404(ReadingList, pk=pk, owner=request.user)
    context: dict[str, Any] = {
        "reading_list": reading_list,
        "max_upload_mb": list_imports.MAX_UPLOAD_BYTES // 1024 // 1024,
        "max_entries": list_imports.MAX_ENTRIES,
        "max_paste_chars": list_imports.MAX_PASTE_CHARS,
        "pasted": "",
    }
    if request.method == "POST":
        pasted = request.POST.get("ids", "")
        try:
            context["result"] = list_imports.import_into_list(
                reading_list=reading_list, text=pasted, upload=request.FILES.get("file")
            )
        except list_imports.ImportRefused as error:
            context["error"] = str(error)
            # Given back so a typo can be fixed without pasting everything again.
            context["pasted"] = pasted[: list_imports.MAX_PASTE_CHARS]
    if wants_fragment(request, target="import-result"):
        return render(request, "lists/import.html#import-result", context)
    return render(request, "lists/import.html", context)
