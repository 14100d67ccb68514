from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
ARXIV_ID_RE = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})$", re.IGNORECASE)


def normalize_title(title: str) -> str:
    """The key two sources' titles of one paper share: case, accents, punctuation and spacing folded."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub(" ", folded).strip().lower()[:300]


class PaperQuerySet(models.QuerySet["Paper"]):
    def listed_between(self, start: datetime.date, end: datetime.date) -> PaperQuerySet:
        return self.filter(listed_on__gte=start, listed_on__lte=end)


class Paper(models.Model):
    class Source(models.TextChoices):
        HF_PAGE = "hf_page", "Hugging Face Daily Papers page"
        HF_API = "hf_api", "Hugging Face Daily Papers API"
        HF_JSON = "hf_json", "Hugging Face Daily Papers JSON"
        ARXIV_JSONL = "arxiv_jsonl", "arXiv metadata (JSON lines)"
        ARXIV_API = "arxiv_api", "arXiv API"
        USER = "user", "Added by a user"

    # Unique where present: papers known only by title (some page captures) have none.
    arxiv_id = models.CharField(max_length=40, unique=True, null=True, blank=True)
    doi = models.CharField(max_length=255, blank=True, db_index=True)
    title = models.TextField()
    title_key = models.CharField(max_length=300, db_index=True, editable=False)
    abstract = models.TextField(blank=True)
    authors = models.JSONField(default=list, blank=True, help_text="Author names, in order.")
    # Some sources give only "N authors"; when names are known this equals len(authors).
    author_count = models.PositiveIntegerField(null=True, blank=True)
    organization = models.CharField(max_length=200, blank=True)
    categories = models.JSONField(default=list, blank=True, help_text="arXiv categories, primary first.")
    published_on = models.DateField(null=True, blank=True, help_text="The paper's own publication date.")
    # The day the paper appeared in a daily listing (HF Daily Papers, arXiv listing); the home page's day.
    listed_on = models.DateField(null=True, blank=True, db_index=True)
    source_upvotes = models.PositiveIntegerField(default=0, help_text="Upvotes reported by the source.")
    upvote_count = models.PositiveIntegerField(default=0, help_text="Upvotes by Papershelf users.")
    url = models.URLField(max_length=500, blank=True, help_text="Where the paper lives when not on arXiv.")
    source = models.CharField(max_length=20, choices=Source.choices)
    imported_from = models.CharField(max_length=500, blank=True, help_text="File or URL of the last import.")
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept up to date by a PostgreSQL trigger (see migrations); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = ["-listed_on", "-source_upvotes", "id"]
        indexes = [
            models.Index(fields=["listed_on", "source_upvotes"], name="paper_listed_upvotes"),
            models.Index(fields=["published_on"], name="paper_published"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.title_key = normalize_title(self.title)
        if self.authors and not self.author_count:
            self.author_count = len(self.authors)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        if self.arxiv_id:
            return reverse("papers:detail_arxiv", args=[self.arxiv_id])
        return reverse("papers:detail", args=[self.pk])

    @property
    def arxiv_abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""

    @property
    def arxiv_pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.arxiv_id}" if self.arxiv_id else ""

    @property
    def primary_category(self) -> str:
        return self.categories[0] if self.categories else ""

    @property
    def total_upvotes(self) -> int:
        return self.source_upvotes + self.upvote_count


class Upvote(models.Model):
    """One user's upvote of one paper; the database enforces one per pair."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="upvotes")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="upvotes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "paper"], name="one_upvote_per_user_paper")]

    def __str__(self) -> str:
        return f"{self.user_id} upvoted {self.paper_id}"


class Dismissal(models.Model):
    """Not interested: hides the paper from the user's personal listings until undone."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dismissals")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "paper"], name="one_dismissal_per_user_paper")]

    def __str__(self) -> str:
        return f"{self.user_id} dismissed {self.paper_id}"


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
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="reading_list_items")
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
