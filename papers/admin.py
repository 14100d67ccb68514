from __future__ import annotations

from django.contrib import admin
from django.db import models

from papers.models import Paper


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "arxiv_id",
        "listed_on",
        "published_on",
        "source",
        "source_upvotes",
        "upvote_count",
    ]
    list_display_links = ["title"]
    search_fields = ["title", "arxiv_id"]
    list_filter = ["source", "listed_on"]
    date_hierarchy = "listed_on"
    readonly_fields = ["imported_at", "updated_at"]
    ordering = ["-listed_on", "-id"]
    # The catalogue is 75k rows: skip the unfiltered COUNT(*) that the changelist shows by default.
    show_full_result_count = False
    list_per_page = 50
    # Django 6 makes https the default scheme for a typed-in address; use it now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
