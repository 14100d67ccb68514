"""Reading lists, their items, and upvotes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class Upvote(models.Model):
    """One user's upvote of one paper; the database enforces one per pair."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="upvotes")
    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="upvotes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "paper"], name="one_upvote_per_user_paper")]

    def __str__(self) -> str:
        return f"{self.user_id} upvoted {self.paper_id}"


class ReadingList(models.Model):
    DEFAULT_NAME = "Read later"
    NAME_MAX_LENGTH = 100

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_lists"
    )
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    description = models.TextField(blank=True, max_length=1000)
    is_default = models.BooleanField(default=False, editable=False)
    # Set while the list is shared: anyone holding the link can read it. None means private.
    share_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "owner", name="reading_list_name_unique_per_owner"),
            models.UniqueConstraint(
                fields=["owner"], condition=models.Q(is_default=True), name="one_default_list_per_owner"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReadingListItem(models.Model):
    class Status(models.TextChoices):
        TO_READ = "to_read", "To read"
        READING = "reading", "Reading"
        READ = "read", "Read"
        ABANDONED = "abandoned", "Abandoned"

    NOTE_MAX_LENGTH = 5000

    reading_list = models.ForeignKey(ReadingList, on_delete=models.CASCADE, related_name="items")
    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="reading_list_items")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.TO_READ)
    note = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)
    # Manual order within the list; new items go last.
    position = models.PositiveIntegerField(default=0)
    added_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "-added_at"]
        constraints = [
            models.UniqueConstraint(fields=["reading_list", "paper"], name="one_item_per_list_paper"),
        ]
        indexes = [models.Index(fields=["paper", "reading_list"], name="item_paper_list")]

    def __str__(self) -> str:
        return f"{self.paper_id} on list {self.reading_list_id}"
