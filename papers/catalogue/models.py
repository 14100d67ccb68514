"""The catalogue: papers, their authors, and the querysets every listing starts from."""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Cast, Power
from django.utils.dateformat import format as date_format

from papers.bulk_insert import insert_rows
from papers.catalogue import search
from papers.catalogue.paper_urls import paper_url
from papers.feed.models import Dismissal
from papers.lists.models import ReadingListItem

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
ARXIV_ID_RE = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})$", re.IGNORECASE)
# New-style ids start with the year and month of the first version: 2401.01234 is from January 2024.
_ARXIV_YYMM_RE = re.compile(r"^(?P<yy>\d{2})(?P<mm>\d{2})\.\d{4,5}$")
AUTHOR_KEY_MAX_CHARS = 200


def normalize_title(title: str) -> str:
    """The key two sources' titles of one paper share: case, accents, punctuation and spacing folded."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub(" ", folded).strip().lower()[:300]


def author_key(name: str) -> str:
    """The key every spelling of one author name shares: "Łukasz Kaiser", "lukasz  KAISER" and
    "Kaiser, Łukasz" are one author. Accents and case fold, scripts without an ASCII form are kept."""
    family, comma, given = name.partition(",")
    if comma and given.strip() and family.strip():
        name = f"{given} {family}"
    decomposed = unicodedata.normalize("NFKD", name.replace("ł", "l").replace("Ł", "L"))
    folded = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return _NON_WORD.sub(" ", folded).strip()[:AUTHOR_KEY_MAX_CHARS]


def arxiv_id_month(arxiv_id: str | None) -> tuple[int, int] | None:
    """(year, month) of a new-style arXiv id's first version, which its first four digits give."""
    match = _ARXIV_YYMM_RE.match(arxiv_id or "")
    if match is None or not 1 <= int(match["mm"]) <= 12:
        return None
    return 2000 + int(match["yy"]), int(match["mm"])


class DaysBetween(models.Func):
    """Whole days from the date expression `start` to the date expression `end`."""

    arity = 2
    output_field = models.IntegerField()
    # PostgreSQL subtracts two dates to an integer number of days.
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def __init__(self, start: Any, end: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Renders (julianday(end) - julianday(start)).
        return super().as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra,
        )


class PaperQuerySet(models.QuerySet["Paper"]):
    def listed_between(self, start: datetime.date, end: datetime.date) -> PaperQuerySet:
        return self.filter(listed_on__gte=start, listed_on__lte=end)

    # Listing days. Each is one index lookup on listed_on (min/max of a range).
    def latest_listing_date(self) -> datetime.date | None:
        return self.aggregate(day=models.Max("listed_on"))["day"]

    def listing_dates_around(
        self, start: datetime.date, end: datetime.date
    ) -> tuple[datetime.date | None, datetime.date | None]:
        """The listing days just before `start` and just after `end`: one round trip, two index lookups."""
        before = self.filter(listed_on__lt=start).order_by("-listed_on").values("listed_on")
        after = self.filter(listed_on__gt=end).order_by("listed_on").values("listed_on")
        row = (
            self.order_by()
            .annotate(before=models.Subquery(before[:1]), after=models.Subquery(after[:1]))
            .values_list("before", "after")
            .first()
        )
        return row if row is not None else (None, None)

    # Orders for lists of papers. The search vector is deferred: lists never show it, and it is the
    # widest column.
    def by_upvotes(self) -> PaperQuerySet:
        return (
            self.defer("search_vector")
            .annotate(upvotes_total=models.F("source_upvotes") + models.F("upvote_count"))
            .order_by("-upvotes_total", models.F("listed_on").desc(nulls_last=True), "-id")
        )

    def by_newest(self) -> PaperQuerySet:
        return self.defer("search_vector").order_by(
            models.F("listed_on").desc(nulls_last=True),
            models.F("published_on").desc(nulls_last=True),
            "-id",
        )

    def trending(self, *, as_of: datetime.date | None = None, window_days: int = 30) -> PaperQuerySet:
        """Recent papers by upvotes decayed with age, hottest first, annotated with `trending_score`.

        score = (total upvotes + 1) / (days since listing + 2) ** 1.5, where age counts from `as_of`
        (default: the newest listing date in the catalogue, so a quiet week does not empty the page).
        Only the last `window_days` of listings are scored, which keeps this a range read on the
        listed_on index however large the catalogue grows.
        """
        # The catalogue's newest day, not this queryset's: on a reader's queryset (visible_to) MAX under
        # the NOT EXISTS filter cannot use the listed_on index and reads all 75k rows (106 ms); the
        # plain MAX is one index lookup. A dismissed paper still dates the window.
        as_of = as_of or self.model._default_manager.latest_listing_date()
        if as_of is None:
            return self.none()
        since = as_of - datetime.timedelta(days=window_days - 1)
        upvotes = models.F("source_upvotes") + models.F("upvote_count") + 1
        age = DaysBetween(models.F("listed_on"), models.Value(as_of, output_field=models.DateField()))
        # Floats throughout: with an integer base PostgreSQL computes POWER in numeric, 5x slower.
        score = Cast(upvotes, models.FloatField()) / Power(Cast(age + 2, models.FloatField()), 1.5)
        return (
            self.filter(listed_on__range=(since, as_of))
            .defer("search_vector")
            .annotate(trending_score=score)
            .order_by("-trending_score", "-listed_on", "-id")
        )

    def search(self, query: str) -> PaperQuerySet:
        """Papers matching a web-style query, best first; see papers.catalogue.search for ranking
        and its limits."""
        return search.ranked(self, query)

    def by_author(self, key: str) -> PaperQuerySet:
        """Papers with an author whose `author_key` is `key`: one lookup on the (key, paper) index."""
        return self.filter(pk__in=PaperAuthor.objects.filter(key=key).values("paper_id"))

    def saved_by(self, user: Any) -> PaperQuerySet:
        """Papers on any of `user`'s reading lists."""
        items = ReadingListItem.objects.filter(reading_list__owner=user, paper=models.OuterRef("pk"))
        return self.filter(models.Exists(items))

    def new_version_since(self, day: datetime.date) -> PaperQuerySet:
        """Papers arXiv posted a second or later version of on or after `day`."""
        return self.filter(arxiv_version__gt=1, arxiv_updated_on__gte=day)

    def saved_and_updated_since(self, user: Any, day: datetime.date) -> PaperQuerySet:
        """Papers on `user`'s lists that got a new arXiv version on or after `day`, newest update first:
        what a reader's list and digest say "updated to v2 on <date>" about."""
        return (
            self.saved_by(user)
            .new_version_since(day)
            .defer("search_vector")
            .order_by("-arxiv_updated_on", "-id")
        )

    def visible_to(self, user: Any) -> PaperQuerySet:
        """Without the papers `user` marked "not interested"; everything for an anonymous visitor.

        One NOT EXISTS subquery on the (user, paper) unique index, so the personal listings (daily,
        trending, search, and the feed) stay a single query however many papers the user dismissed.
        """
        if not getattr(user, "is_authenticated", False):
            return self
        dismissed = Dismissal.objects.filter(user=user, paper=models.OuterRef("pk"))
        return self.filter(~models.Exists(dismissed))


class Paper(models.Model):
    class Source(models.TextChoices):
        HF_PAGE = "hf_page", "Hugging Face Daily Papers page"
        HF_API = "hf_api", "Hugging Face Daily Papers API"
        HF_JSON = "hf_json", "Hugging Face Daily Papers JSON"
        ARXIV_JSONL = "arxiv_jsonl", "arXiv metadata (JSON lines)"
        ARXIV_API = "arxiv_api", "arXiv API"
        USER = "user", "Added by a user"

    class DatePrecision(models.TextChoices):
        # A reference manager's year-only entry is stored as 1 January of that year, precision YEAR.
        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"

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
    published_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How much of published_on is known (a .bib entry may give only the year).",
    )
    # The day the paper appeared in a daily listing (HF Daily Papers, arXiv listing); the home page's day.
    listed_on = models.DateField(null=True, blank=True, db_index=True)
    source_upvotes = models.PositiveIntegerField(default=0, help_text="Upvotes reported by the source.")
    upvote_count = models.PositiveIntegerField(default=0, help_text="Upvotes by Papershelf users.")
    url = models.URLField(max_length=500, blank=True, help_text="Where the paper lives when not on arXiv.")
    code_url = models.URLField(
        max_length=500, blank=True, help_text="The paper's code repository (GitHub, GitLab, Hugging Face)."
    )
    # The newest arXiv version seen (2 for v2) and the day arXiv posted it (the Atom entry's <updated>).
    arxiv_version = models.PositiveSmallIntegerField(null=True, blank=True)
    arxiv_updated_on = models.DateField(null=True, blank=True)
    # When a paper known only by its title was last looked up on arXiv without an unambiguous match
    # (papers/catalogue/identify.py); it is looked up again after a while.
    arxiv_lookup_at = models.DateTimeField(null=True, blank=True, editable=False)
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
            # Trending ranks a month of papers by score: with the score's inputs and the id in the index
            # PostgreSQL ranks and counts them from it alone, without reading 1,600 heap pages (13 ms ->
            # 4 ms on 75k papers). SQLite ignores INCLUDE columns.
            models.Index(
                fields=["listed_on"],
                include=["source_upvotes", "upvote_count", "id"],
                name="paper_listed_scores",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.title_key = normalize_title(self.title)
        if self.authors and not self.author_count:
            self.author_count = len(self.authors)
        adding = self._state.adding
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "authors" in update_fields:
            # Bulk imports write PaperAuthor rows themselves (papers.importers.upsert).
            PaperAuthor.replace_for([(self.pk, self.authors)], new=adding)

    def get_absolute_url(self) -> str:
        if self.arxiv_id:
            return paper_url("papers:detail_arxiv", self.arxiv_id)
        return paper_url("papers:detail", self.pk)

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
    def source_label(self) -> str:
        """Where the paper came from, as a reader would name it (never a file or a URL of ours)."""
        if self.source in (self.Source.HF_PAGE, self.Source.HF_API, self.Source.HF_JSON):
            return "Hugging Face Daily Papers"
        if self.source in (self.Source.ARXIV_API, self.Source.ARXIV_JSONL):
            return "arXiv"
        return "Added by a reader"

    @property
    def shown_date(self) -> datetime.date | None:
        """The date a card shows: the listing day, else the paper's own date; None when unknown."""
        return self.listed_on or self.published_on

    @property
    def date_label(self) -> str:
        """`shown_date` as a card writes it, to the precision it is known: "10 Jan 2024", "Jan 2024",
        "2017", or "date unknown"."""
        if self.listed_on:
            return date_format(self.listed_on, "j M Y")
        return self.published_short_label or "date unknown"

    @property
    def published_label(self) -> str:
        """The paper's own date as its page writes it, to the precision it is known."""
        return self._published_label("j F Y", "F Y")

    @property
    def published_short_label(self) -> str:
        """The same, as a list writes it: "10 Jan 2024", "Jan 2024", "2017"."""
        return self._published_label("j M Y", "M Y")

    def _published_label(self, day_format: str, month_format: str) -> str:
        if self.published_on is None:
            return ""
        if self.published_precision == self.DatePrecision.YEAR:
            return str(self.published_on.year)
        month = self.published_precision == self.DatePrecision.MONTH
        return date_format(self.published_on, month_format if month else day_format)

    @property
    def total_upvotes(self) -> int:
        return self.source_upvotes + self.upvote_count


class PaperAuthor(models.Model):
    """One author of one paper, in order. "Papers by this author" is one lookup on the (key, paper)
    index, on SQLite and PostgreSQL alike; `Paper.authors` keeps the names as the source spelled them."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="author_links")
    position = models.PositiveIntegerField()
    name = models.TextField()
    key = models.CharField(max_length=AUTHOR_KEY_MAX_CHARS)

    class Meta:
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "position"], name="one_author_per_paper_position")
        ]
        indexes = [models.Index(fields=["key", "paper"], name="paper_author_key")]

    def __str__(self) -> str:
        return f"{self.name} ({self.paper_id})"

    @classmethod
    def rows_for(cls, paper_id: int, authors: Any) -> list[PaperAuthor]:
        names = [name for name in authors or [] if isinstance(name, str) and name.strip()]
        rows = [
            cls(paper_id=paper_id, position=n, name=name, key=author_key(name))
            for n, name in enumerate(names)
        ]
        # A "name" of punctuation alone has no key; it is not an author anyone can look up.
        return [row for row in rows if row.key]

    @classmethod
    def replace_for(cls, papers: list[tuple[int, Any]], *, new: bool = False) -> None:
        """Make the author rows of each (paper id, author names) match the names; `new`: the papers
        have no rows yet."""
        if not papers:
            return
        if not new:
            cls.objects.filter(paper_id__in=[paper_id for paper_id, _ in papers]).delete()
        rows = [row for paper_id, authors in papers for row in cls.rows_for(paper_id, authors)]
        # Written in bulk, like the papers themselves (COPY on PostgreSQL).
        insert_rows(cls, rows)


class PaperEmbedding(models.Model):
    """A paper's text embedding (recommender.embeddings): float32 bytes of unit length.

    A table of its own rather than a column on Paper, so the kilobyte per paper is read only by what
    needs vectors, never by a listing. `model` names the model and width it was computed with; a vector
    of another model or width counts as missing (`manage.py embed_papers` replaces it)."""

    paper = models.OneToOneField(Paper, on_delete=models.CASCADE, primary_key=True, related_name="embedding")
    vector = models.BinaryField()
    model = models.CharField(max_length=60)
    embedded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.model} embedding of paper {self.paper_id}"


class EmbeddingsVersion(models.Model):
    """One row whose number grows after every committed write of paper embeddings. A process that keeps
    the catalogue's vectors in memory (papers.catalogue.semantic_search) compares it with the number it
    loaded at, so no process serves vectors older than the database's."""

    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"embeddings version {self.number}"


class ListingImpression(models.Model):
    """A paper a reader was shown on a daily, weekly or monthly listing (the first time)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "paper"], name="one_listing_impression_per_paper")
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} saw paper {self.paper_id} listed"
