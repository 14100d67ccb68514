"""The read side of the personalized feed: stored Recommendation rows in the order a reader wants them.

A feed page is one query over the user's rows for the current model version: papers listed on or after
the "since" day (the previous visit, or the last few days) first, best rank first, then the older ones
worth catching up on, by rank. Papers the user dismissed or already keeps on a list are left out here,
even though the re-rank drops them too: the read must be right in the seconds before the re-rank has run.
The rule of what is in a reader's feed is Recommendation.objects.feed_for, shared with the digest and
the private Atom feed. Nothing here fits, loads or scores a model (ARCHITECTURE: serving is a read).
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone

from papers.models import Dismissal, Paper, Profile, ReadingListItem, Upvote
from recommender.models import FeedImpression, ModelVersion, Recommendation, SimilarPaper

PAGE_SIZE = 20
# The first visit (or one after the previous visit was forgotten) calls the last few days "new".
NEW_DAYS_WITHOUT_VISIT = 3
# A refresh, or coming back after lunch, must not empty "new since your last visit": the previous visit
# only moves when the last one is at least this old.
VISIT_GAP = datetime.timedelta(hours=1)
SIMILAR_PAPERS_SHOWN = 10
# Ids a client may send back as "already on my page"; the stored ranking is 200 deep.
MAX_EXCLUDED = 500


class FeedStatus(enum.Enum):
    """Why a feed has no cards, read only when the first page came back empty."""

    ONBOARDING = "onboarding"  # no signal at all: ask for topics, papers or upvotes
    PERSONALIZING = "personalizing"  # signals and a model, but the re-rank has not written rows yet
    WARMING_UP = "warming_up"  # signals, but no model has been trained yet
    EXHAUSTED = "exhausted"  # rows exist, and the user has dismissed or saved every one


@dataclass(frozen=True)
class FeedEntry:
    recommendation: Recommendation
    is_new: bool

    @property
    def paper(self) -> Paper:
        return self.recommendation.paper

    @property
    def reason_paper(self) -> Paper | None:
        return self.recommendation.reason_paper

    @property
    def reason_parts(self) -> tuple[str, str, str]:
        """The reason as (before, related paper's title, after), so the page can link the title.

        The words come from Recommendation.reason_text (shared with the digest and RSS); only the
        related paper's title is cut out of them. Without a related paper the whole text is `before`.
        """
        text = self.recommendation.reason_text
        related = self.reason_paper
        if related is None or not related.title or related.title not in text:
            return text, "", ""
        before, _, after = text.partition(related.title)
        return before, related.title, after


@dataclass(frozen=True)
class FeedPage:
    entries: list[FeedEntry]
    offset: int
    limit: int
    has_more: bool
    since: datetime.date

    @property
    def papers(self) -> list[Paper]:
        return [entry.paper for entry in self.entries]

    @property
    def next_offset(self) -> int:
        return self.offset + len(self.entries)


def feed_since(profile: Profile, *, now: datetime.datetime | None = None) -> datetime.date:
    """The first listing day that counts as new for this visit (no query; see `mark_feed_visit`)."""
    now = now or timezone.now()
    last, previous = profile.feed_visited_at, profile.feed_previous_visit_at
    # Within the hour the visit that is running started at `last`, so "new" still counts from the one
    # before it; after the hour, `last` becomes the previous visit.
    reference = previous if last is not None and now - last < VISIT_GAP else last
    if reference is None:
        return timezone.localdate(now) - datetime.timedelta(days=NEW_DAYS_WITHOUT_VISIT)
    return timezone.localdate(reference)


def mark_feed_visit(profile: Profile, *, now: datetime.datetime | None = None) -> datetime.date:
    """Record a feed visit at most once an hour; returns this visit's `since` day.

    The UPDATE is conditional on the visit time just read, so two tabs opening the feed at once move it
    once. Costs no query in the hour after a visit.
    """
    now = now or timezone.now()
    since = feed_since(profile, now=now)
    last = profile.feed_visited_at
    if last is None or now - last >= VISIT_GAP:
        Profile.objects.filter(pk=profile.pk, feed_visited_at=last).update(
            feed_previous_visit_at=last, feed_visited_at=now
        )
        profile.feed_previous_visit_at, profile.feed_visited_at = last, now
    return since


def visit_feed(user: User, *, now: datetime.datetime | None = None) -> tuple[Profile, datetime.date]:
    """The reader's profile and this visit's `since` day, the visit recorded (`mark_feed_visit`)."""
    profile = Profile.for_user(user)
    return profile, mark_feed_visit(profile, now=now)


def _feed_entries(
    user: User,
    *,
    since: datetime.date,
    offset: int = 0,
    limit: int,
    exclude_paper_ids: Collection[int] = (),
    paper_id: int | None = None,
) -> list[FeedEntry]:
    """The user's feed in order, new since `since` first, each part by rank: `limit` entries from
    `offset`, without `exclude_paper_ids`; only `paper_id`'s entry, if given. One query."""
    is_new = models.Case(
        models.When(paper__listed_on__gte=since, then=models.Value(True)),
        default=models.Value(False),
        output_field=models.BooleanField(),
    )
    rows = Recommendation.objects.feed_for(user).annotate(is_new=is_new).order_by("-is_new", "rank", "pk")
    excluded = list(exclude_paper_ids)[:MAX_EXCLUDED]
    if excluded:
        rows = rows.exclude(paper_id__in=excluded)
    if paper_id is not None:
        rows = rows.filter(paper_id=paper_id)
    return [FeedEntry(recommendation=row, is_new=row.is_new) for row in rows[offset : offset + limit]]


def feed_entry(user: User, paper: Paper, *, since: datetime.date) -> FeedEntry | None:
    """`paper`'s place in the user's feed; None when the feed does not hold it (saved, dismissed, or
    not recommended by the current model). One query."""
    entries = _feed_entries(user, since=since, limit=1, paper_id=paper.pk)
    return entries[0] if entries else None


def feed_page(
    user: User,
    *,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    since: datetime.date | None = None,
    exclude_paper_ids: Collection[int] = (),
) -> FeedPage:
    """One page of the user's feed: one query (two when `since` is not given: the profile).

    `exclude_paper_ids` are the papers already on the reader's page; they are left out before `offset`
    applies, so "load more" and "not interested" never repeat a card even after the re-rank reordered
    the feed underneath the page.
    """
    if since is None:
        since = feed_since(Profile.for_user(user))
    offset, limit = max(offset, 0), max(limit, 1)
    # One row more than the page tells whether there is a next page without a COUNT.
    entries = _feed_entries(
        user, since=since, offset=offset, limit=limit + 1, exclude_paper_ids=exclude_paper_ids
    )
    return FeedPage(
        entries=entries[:limit], offset=offset, limit=limit, has_more=len(entries) > limit, since=since
    )


def record_impressions(user: User, papers: Sequence[Paper]) -> None:
    """Remember what the user was shown (the digest skips it): one INSERT, repeats ignored."""
    if papers:
        FeedImpression.objects.bulk_create(
            [FeedImpression(user=user, paper=paper) for paper in papers], ignore_conflicts=True
        )


def feed_status(user: User, profile: Profile) -> FeedStatus:
    """Why the first page is empty. At most three small queries, and only on an empty feed."""
    version = ModelVersion.objects.current()
    if version is not None and Recommendation.objects.filter(user=user, version=version).exists():
        return FeedStatus.EXHAUSTED
    if not (profile.onboarded_at or profile.interests or has_signals(user)):
        return FeedStatus.ONBOARDING
    return FeedStatus.PERSONALIZING if version is not None else FeedStatus.WARMING_UP


def has_signals(user: User) -> bool:
    """Whether the user has upvoted, saved or dismissed anything (one query)."""
    upvoted = models.Exists(Upvote.objects.filter(user=models.OuterRef("pk")))
    saved = models.Exists(ReadingListItem.objects.filter(reading_list__owner=models.OuterRef("pk")))
    dismissed = models.Exists(Dismissal.objects.filter(user=models.OuterRef("pk")))
    return User.objects.filter(models.Q(upvoted) | models.Q(saved) | models.Q(dismissed), pk=user.pk).exists()


def trending_papers(user: Any, *, limit: int = PAGE_SIZE) -> list[Paper]:
    """What a visitor without a personal feed sees instead (two queries: the newest day, the papers)."""
    return list(Paper.objects.visible_to(user).trending()[:limit])


def similar_papers(paper: Paper, *, user: Any = None, limit: int = SIMILAR_PAPERS_SHOWN) -> list[Paper]:
    """`paper`'s nearest papers, closest first, without the user's dismissed ones.

    A paper's list is rewritten by whichever nightly run last refreshed it (see `nightly`), so this reads
    the newest list among finished runs, not necessarily the current version's. One query, on the
    (paper, version, rank) index.
    """
    newest = (
        SimilarPaper.objects.filter(paper=paper, version__status__in=ModelVersion.SERVED)
        .order_by("-version_id")
        .values("version_id")[:1]
    )
    rows = SimilarPaper.objects.filter(paper=paper, version_id=models.Subquery(newest))
    if getattr(user, "is_authenticated", False):
        dismissed = Dismissal.objects.filter(user=user, paper=models.OuterRef("similar"))
        rows = rows.filter(~models.Exists(dismissed))
    rows = rows.select_related("similar").defer("similar__search_vector").order_by("rank", "pk")
    return [row.similar for row in rows[:limit]]
