"""Per-user settings that are not about authentication."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class Profile(models.Model):
    """Per-user settings that are not about authentication."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    # Secret in the URLs of a user's private exports and feeds (reference managers and feed readers
    # cannot log in). Regenerating it invalidates every old URL at once.
    feed_token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    # Topic terms picked at onboarding; the recommender reads them as a profile until saves take over.
    interests = models.JSONField(default=list, blank=True)
    onboarded_at = models.DateTimeField(null=True, blank=True)
    # The feed shows papers listed since the previous visit first ("new since you last looked").
    feed_visited_at = models.DateTimeField(null=True, blank=True)
    feed_previous_visit_at = models.DateTimeField(null=True, blank=True)
    # arXiv categories the reader keeps to (none: all) or leaves out of listings and search, unless a
    # page's own filter says otherwise (papers/catalogue/filters.py).
    categories_included = models.JSONField(default=list, blank=True)
    categories_excluded = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"profile of {self.user_id}"

    @classmethod
    def for_user(cls, user: Any) -> Profile:
        profile, _ = cls.objects.get_or_create(user=user)
        return profile

    def regenerate_feed_token(self) -> None:
        self.feed_token = _new_token()
        self.save(update_fields=["feed_token"])
