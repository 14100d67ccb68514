"""A reader's alerts (saved searches and followed authors) and the new papers they matched."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from papers.catalogue.models import AUTHOR_KEY_MAX_CHARS, Paper


class Alert(models.Model):
    """A reader's saved search, or an author they follow. New papers that match are recorded as
    `AlertMatch` rows by a Celery task after each import (papers/alerts/matching.py)."""

    class Kind(models.TextChoices):
        SEARCH = "search", "Saved search"
        AUTHOR = "author", "Followed author"

    NAME_MAX_LENGTH = 100
    QUERY_MAX_LENGTH = 200

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    # Search syntax (papers/search_syntax.py); empty for a followed author, or a search by filters only.
    query = models.CharField(max_length=QUERY_MAX_LENGTH, blank=True)
    # The followed author, or a saved search's author filter: `author_key` of the name as written.
    author_key = models.CharField(max_length=AUTHOR_KEY_MAX_CHARS, blank=True)
    author_name = models.CharField(max_length=300, blank=True)
    categories_included = models.JSONField(default=list, blank=True)
    categories_excluded = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "author_key"],
                condition=models.Q(kind="author"),
                name="one_follow_per_user_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind}) of {self.user_id}"

    @property
    def author_slug(self) -> str:
        """The followed author's page address part (papers.catalogue.authors)."""
        return self.author_key.replace(" ", "-")


class AlertMatch(models.Model):
    """A new paper an alert matched; written once (the task may run twice)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="matches")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    matched_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "paper"], name="one_match_per_alert_paper")]
        indexes = [models.Index(fields=["alert", "matched_at"], name="alert_match_recent")]

    def __str__(self) -> str:
        return f"alert {self.alert_id} matched {self.paper_id}"
