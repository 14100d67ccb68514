from __future__ import annotations

import datetime

from django.urls import path, register_converter
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from papers.accounts.views import account
from papers.alerts import views as alerts
from papers.catalogue import syndication
from papers.catalogue.views import authors, categories, listings, search
from papers.digest import views as digest_views
from papers.feed.views import feed, hidden, onboarding
from papers.lists.views import exports, items, lists, saving, votes
from papers.lists.views import imports as list_imports


class DayConverter:
    """`2024-01-10`. An impossible date (2024-02-30) does not match, so it is a 404."""

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)

    def to_url(self, value: datetime.date) -> str:
        return value.isoformat()


class IsoWeekConverter:
    """`2024-W02`, the ISO week; the value is that week's Monday."""

    regex = r"[0-9]{4}-W[0-9]{2}"

    def to_python(self, value: str) -> datetime.date:
        year, week = value.split("-W")
        return datetime.date.fromisocalendar(int(year), int(week), 1)

    def to_url(self, value: datetime.date) -> str:
        year, week, _ = value.isocalendar()
        return f"{year:04d}-W{week:02d}"


class MonthConverter:
    """`2024-01`; the value is the first of the month."""

    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str) -> datetime.date:
        year, month = value.split("-")
        return datetime.date(int(year), int(month), 1)

    def to_url(self, value: datetime.date) -> str:
        return f"{value.year:04d}-{value.month:02d}"


register_converter(DayConverter, "day")
register_converter(IsoWeekConverter, "isoweek")
register_converter(MonthConverter, "month")

app_name = "papers"

urlpatterns = [
    path("", listings.daily, name="daily"),
    path("day/<day:day>/", listings.day, name="day"),
    path("week/<isoweek:day>/", listings.week, name="week"),
    path("month/<month:day>/", listings.month, name="month"),
    path("trending/", listings.trending, name="trending"),
    path("search/", search.search, name="search"),
    path("papers/<int:pk>/", listings.paper_detail, name="detail"),
    path("abs/<path:arxiv_id>/", listings.paper_detail_arxiv, name="detail_arxiv"),
    path("authors/<str:slug>/", authors.author_page, name="author"),
]

# Discovery: remembered categories, following authors, alerts
urlpatterns += [
    path("account/categories/", categories.remember_categories, name="remember_categories"),
    path("authors/<str:slug>/follow/", authors.author_follow_view, name="author_follow"),
    path("authors/<str:slug>/unfollow/", authors.author_unfollow_view, name="author_unfollow"),
    path("alerts/", alerts.alert_index, name="alerts"),
    path("alerts/new/", alerts.alert_save_search, name="alert_save_search"),
    path("alerts/<int:pk>/delete/", alerts.alert_delete, name="alert_delete"),
    path(
        "feeds/u/<str:feed_token>/alerts/<int:pk>.atom", syndication.AlertFeed(Atom1Feed), name="feed_alert"
    ),
]

# Reading lists and votes
urlpatterns += [
    path("papers/<int:pk>/upvote/", votes.upvote, name="paper_upvote"),
    path("papers/<int:pk>/save/", saving.paper_save, name="paper_save"),
    path("papers/<int:pk>/save/new-list/", saving.paper_save_new_list, name="paper_save_new_list"),
    path("papers/<int:pk>/dismiss/", hidden.dismiss, name="paper_dismiss"),
    path("papers/<int:pk>/undismiss/", hidden.undismiss, name="paper_undismiss"),
    path("hidden/", hidden.hidden_papers, name="hidden"),
    path("lists/", lists.list_index, name="list_index"),
    path("lists/new/", lists.list_create, name="list_create"),
    path("lists/<int:pk>/", lists.list_detail, name="list_detail"),
    path("lists/<int:pk>/edit/", lists.list_edit, name="list_edit"),
    path("lists/<int:pk>/delete/", lists.list_delete, name="list_delete"),
    path("lists/<int:pk>/share/", lists.list_share, name="list_share"),
    path("lists/<int:pk>/unshare/", lists.list_unshare, name="list_unshare"),
    path("lists/<int:pk>/reorder/", items.list_reorder, name="list_reorder"),
    path("lists/<int:pk>/remove/", items.list_remove_items, name="list_remove_items"),
    path("lists/items/<int:pk>/status/", items.item_status, name="list_item_status"),
    path("lists/items/<int:pk>/note/", items.item_note, name="list_item_note"),
    path("shared/<str:token>/", lists.list_shared, name="list_shared"),
]

# Exports, imports and account data
urlpatterns += [
    path("lists/<int:pk>/export.<slug:fmt>", exports.list_export, name="list_export"),
    path("shared/<str:share_token>/export.<slug:fmt>", exports.shared_list_export, name="shared_list_export"),
    path("lists/<int:pk>/import/", list_imports.list_import, name="list_import"),
    path("account/", account.account, name="account"),
    path("account/export.json", account.account_export, name="account_export"),
    path("account/feed-token/", account.account_feed_token, name="account_feed_token"),
    path("account/delete/", account.account_delete_view, name="account_delete"),
    path("account/deleted/", account.account_deleted, name="account_deleted"),
]

# Feed and onboarding
urlpatterns += [
    path("feed/", feed.feed, name="feed"),
    path("feed/papers/<int:pk>/not-interested/", feed.feed_dismiss, name="feed_dismiss"),
    path("feed/papers/<int:pk>/not-interested/undo/", feed.feed_undismiss, name="feed_undismiss"),
    path("onboarding/", onboarding.onboarding, name="onboarding"),
]

# Digest and feeds (Feed instances are the views; each class serves Atom or RSS)
urlpatterns += [
    path("account/digest/", digest_views.digest_settings, name="digest_settings"),
    path("digest/save/<str:token>/", digest_views.digest_save, name="digest_save"),
    path("digest/unsubscribe/<str:token>/", digest_views.digest_unsubscribe, name="digest_unsubscribe"),
    path("feeds/daily.atom", syndication.DailyPapersFeed(Atom1Feed), name="feed_daily_atom"),
    path("feeds/daily.rss", syndication.DailyPapersFeed(Rss201rev2Feed), name="feed_daily_rss"),
    path("feeds/trending.atom", syndication.TrendingPapersFeed(Atom1Feed), name="feed_trending_atom"),
    path("feeds/trending.rss", syndication.TrendingPapersFeed(Rss201rev2Feed), name="feed_trending_rss"),
    path("shared/<str:token>/feed.atom", syndication.SharedListFeed(Atom1Feed), name="feed_shared_list"),
    path("feeds/u/<str:feed_token>/feed.atom", syndication.PersonalFeed(Atom1Feed), name="feed_personal"),
    path(
        "feeds/u/<str:feed_token>/lists/<int:pk>.atom",
        syndication.PrivateListFeed(Atom1Feed),
        name="feed_private_list",
    ),
]
