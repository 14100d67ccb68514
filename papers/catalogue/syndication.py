"""Atom and RSS feeds (Django's syndication framework).

Public: the newest listing day, trending papers, and each shared reading list (for as long as it is
shared). Private, at URLs holding the owner's Profile.feed_token: their personalized feed and each of
their lists. Regenerating the token changes every private URL at once; a wrong token, or another user's
list under my token, is a 404 like any page that does not exist.

Each class serves either format: the URLconf instantiates it with Atom1Feed or Rss201rev2Feed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.feedgenerator import Atom1Feed, SyndicationFeed
from django.utils.html import format_html, format_html_join

from papers.alerts.reads import alert_feed_papers
from papers.models import Alert, Paper, Profile, ReadingList, ReadingListItem
from papers.templatetags.paper_tags import author_summary
from recommender.models import Recommendation

DAILY_LIMIT = 200
TRENDING_LIMIT = 50
LIST_LIMIT = 200
PERSONAL_LIMIT = 50
TRENDING_WINDOW_DAYS = 30
# The feed page (/feed/) is routed by the recommender's own change; the feed's home link points there.
PERSONAL_FEED_PAGE = "/feed/"


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


class PaperFeed(Feed):
    """Entries that are papers (or rows pointing at one): title, authors, abstract, categories, link."""

    # Tokens and share links are secrets in a URL: kept out of caches and search engines.
    secret_url = False

    def __init__(self, feed_type: type[SyndicationFeed] = Atom1Feed) -> None:
        self.feed_type = feed_type

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        if self.secret_url:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def paper(self, item: Any) -> Paper:
        return item

    def reason(self, item: Any) -> str:
        return ""

    def item_title(self, item: Any) -> str:
        return self.paper(item).title

    def item_link(self, item: Any) -> str:
        return self.paper(item).get_absolute_url()

    def item_description(self, item: Any) -> str:
        paper = self.paper(item)
        parts = [("Why: " + self.reason(item),)] if self.reason(item) else []
        parts += [(line,) for line in (author_summary(paper), paper.abstract) if line]
        return format_html_join("", "<p>{}</p>", parts)

    def item_author_name(self, item: Any) -> str | None:
        return author_summary(self.paper(item)) or None

    def item_categories(self, item: Any) -> list[str]:
        return list(self.paper(item).categories or [])

    def item_pubdate(self, item: Any) -> datetime.datetime:
        paper = self.paper(item)
        day = paper.listed_on or paper.published_on
        return _start_of(day) if day else paper.imported_at

    def item_updateddate(self, item: Any) -> datetime.datetime:
        # Atom requires <updated> on every entry; Django writes it only when given.
        return self.item_pubdate(item)


class DailyPapersFeed(PaperFeed):
    title = "Papershelf: daily papers"
    description = "The newest day of papers on Papershelf, most upvoted first."

    def link(self) -> str:
        return reverse("papers:daily")

    def items(self) -> QuerySet[Paper]:
        newest = Paper.objects.latest_listing_date()
        if newest is None:
            return Paper.objects.none()
        return Paper.objects.listed_between(newest, newest).by_upvotes()[:DAILY_LIMIT]


class TrendingPapersFeed(PaperFeed):
    title = "Papershelf: trending papers"
    description = "Recent papers by upvotes, decayed with age."

    def link(self) -> str:
        return reverse("papers:trending")

    def items(self) -> QuerySet[Paper]:
        return Paper.objects.trending(window_days=TRENDING_WINDOW_DAYS)[:TRENDING_LIMIT]


class ListItemFeed(PaperFeed):
    """A reading list: newest additions first, each dated when it was added."""

    def paper(self, item: ReadingListItem) -> Paper:
        return item.paper

    def item_pubdate(self, item: ReadingListItem) -> datetime.datetime:
        return item.added_at

    def description(self, reading_list: ReadingList) -> str:
        return reading_list.description or f"Papers on the reading list “{reading_list.name}”."

    def items(self, reading_list: ReadingList) -> QuerySet[ReadingListItem]:
        return (
            reading_list.items.select_related("paper")
            .defer("paper__search_vector")
            .order_by("-added_at", "-pk")[:LIST_LIMIT]
        )


class SharedListFeed(ListItemFeed):
    """Anyone with the share link; like the shared page, never notes or statuses."""

    secret_url = True

    def get_object(self, request: HttpRequest, *args: Any, token: str, **kwargs: Any) -> ReadingList:
        return get_object_or_404(ReadingList, share_token=token)

    def title(self, reading_list: ReadingList) -> str:
        return f"{reading_list.name} · shared reading list · Papershelf"

    def link(self, reading_list: ReadingList) -> str:
        return reverse("papers:list_shared", args=[reading_list.share_token])


class PrivateListFeed(ListItemFeed):
    """One of the token owner's lists, with their reading status and notes."""

    secret_url = True

    def get_object(
        self, request: HttpRequest, *args: Any, feed_token: str, pk: int, **kwargs: Any
    ) -> ReadingList:
        return get_object_or_404(ReadingList, pk=pk, owner__profile__feed_token=feed_token)

    def title(self, reading_list: ReadingList) -> str:
        return f"{reading_list.name} · Papershelf"

    def link(self, reading_list: ReadingList) -> str:
        return reverse("papers:list_detail", args=[reading_list.pk])

    def item_description(self, item: ReadingListItem) -> str:
        status = format_html("<p>Status: {}</p>", item.get_status_display())
        note = format_html("<p>Note: {}</p>", item.note) if item.note else ""
        return status + note + super().item_description(item)


class PersonalFeed(PaperFeed):
    """The token owner's personalized feed: recommendations of the current model, best first."""

    secret_url = True
    title = "Papershelf: picked for you"
    description = "New papers picked for you, with the reason for each."

    def get_object(self, request: HttpRequest, *args: Any, feed_token: str, **kwargs: Any) -> User:
        return get_object_or_404(Profile.objects.select_related("user"), feed_token=feed_token).user

    def link(self) -> str:
        return PERSONAL_FEED_PAGE

    def items(self, user: User) -> list[Recommendation]:
        return list(Recommendation.objects.feed_for(user).select_related("version")[:PERSONAL_LIMIT])

    def paper(self, item: Recommendation) -> Paper:
        return item.paper

    def reason(self, item: Recommendation) -> str:
        return item.reason_text

    def item_updateddate(self, item: Recommendation) -> datetime.datetime:
        # Picked anew by each model version: a reader sees the entry as updated when the ranking is.
        return item.version.trained_at or item.version.started_at


class AlertFeed(PaperFeed):
    """One of the token owner's alerts: the new papers it matched, newest first."""

    secret_url = True

    def get_object(self, request: HttpRequest, *args: Any, feed_token: str, pk: int, **kwargs: Any) -> Alert:
        return get_object_or_404(Alert, pk=pk, user__profile__feed_token=feed_token)

    def title(self, alert: Alert) -> str:
        return f"{alert.name} · Papershelf alert"

    def description(self, alert: Alert) -> str:
        return f"New papers matching your alert “{alert.name}”."

    def link(self, alert: Alert) -> str:
        return reverse("papers:alerts")

    def items(self, alert: Alert) -> list[Paper]:
        return alert_feed_papers(alert)
