""" "Unseen only" on the daily, weekly and monthly listings: without the papers the reader was already
shown there or in their feed, saved, or dismissed.

Every listing page a reader sees records its papers as listing impressions in one INSERT (repeats
ignored). Paging through an "unseen only" listing must not skip papers the first page just recorded, so
the listing carries the moment it was first opened (`?seen_before=`) and hides only what was seen before
it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import models
from django.utils import timezone

from papers.models import ListingImpression, Paper, PaperQuerySet, ReadingListItem
from recommender.models import FeedImpression


def seen_before(value: str | None, *, now: datetime.datetime | None = None) -> datetime.datetime:
    """The `?seen_before=` of a listing being paged through (a Unix time), else now. A malformed or
    future value is now."""
    now = now or timezone.now()
    try:
        moment = datetime.datetime.fromtimestamp(float(value or ""), tz=datetime.UTC)
    except (ValueError, OverflowError, OSError):
        return now
    return min(moment, now)


def unseen_only(papers: PaperQuerySet, user: Any, before: datetime.datetime) -> PaperQuerySet:
    """`papers` without those `user` was shown before `before`, or saved (dismissed ones are left out by
    `visible_to` already). NOT EXISTS subqueries on (user, paper) indexes: the page stays one query."""
    listed = ListingImpression.objects.filter(user=user, paper=models.OuterRef("pk"), seen_at__lt=before)
    saved = ReadingListItem.objects.filter(reading_list__owner=user, paper=models.OuterRef("pk"))
    in_feed = FeedImpression.objects.filter(user=user, paper=models.OuterRef("pk"), seen_at__lt=before)
    return (
        papers.visible_to(user)
        .exclude(models.Exists(listed))
        .exclude(models.Exists(in_feed))
        .exclude(models.Exists(saved))
    )


def record_listing_impressions(user: Any, papers: Sequence[Paper]) -> None:
    """One INSERT for the page's papers; a paper seen before keeps its first time."""
    if not papers or not getattr(user, "pk", None):
        return
    ListingImpression.objects.bulk_create(
        [ListingImpression(user=user, paper_id=paper.pk) for paper in papers], ignore_conflicts=True
    )
