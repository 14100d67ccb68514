"""Public feeds: the newest listing day, trending papers, and shared reading lists."""

from __future__ import annotations

import datetime

import pytest

from papers.lists.operations import reading_list_add, reading_list_share, reading_list_unshare
from papers.models import ReadingList, ReadingListItem
from tests.catalogue.syndication.conftest import parse_feed
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

JAN_10 = datetime.date(2024, 1, 10)
JAN_9 = datetime.date(2024, 1, 9)


@pytest.fixture
def catalogue(db):
    """Three papers on the newest day (10 January), two the day before."""
    return {
        "top": PaperFactory(
            title="Most upvoted today", listed_on=JAN_10, source_upvotes=30, categories=["cs.LG"]
        ),
        "middle": PaperFactory(title="Second today", listed_on=JAN_10, source_upvotes=20),
        "last": PaperFactory(title="Third today", listed_on=JAN_10, source_upvotes=1, authors=[]),
        "old": PaperFactory(title="Yesterday's paper", listed_on=JAN_9, source_upvotes=99),
        "older": PaperFactory(title="Another from yesterday", listed_on=JAN_9, source_upvotes=5),
    }


def test_the_daily_atom_feed_has_the_newest_days_papers_most_upvoted_first(client, catalogue):
    response = client.get("/feeds/daily.atom")

    feed = parse_feed(response)
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert feed.version == "atom10"
    assert feed.feed.title == "Papershelf: daily papers"
    assert feed.feed.link == "http://testserver/"
    assert [entry.title for entry in feed.entries] == ["Most upvoted today", "Second today", "Third today"]
    top = feed.entries[0]
    assert top.link == f"http://testserver/abs/{catalogue['top'].arxiv_id}/"
    assert top.published_parsed[:3] == (2024, 1, 10)
    assert top.updated_parsed[:3] == (2024, 1, 10)
    assert top.author == "Ada Lovelace, Alan Turing"
    assert [tag.term for tag in top.tags] == ["cs.LG"]
    assert "We study how neural systems learn" in top.summary


def test_the_daily_rss_feed_has_the_same_papers(client, catalogue):
    response = client.get("/feeds/daily.rss")

    feed = parse_feed(response)
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert feed.version == "rss20"
    assert [entry.title for entry in feed.entries] == ["Most upvoted today", "Second today", "Third today"]
    assert all(entry.link.startswith("http://testserver/abs/") for entry in feed.entries)
    assert feed.entries[0].published_parsed[:3] == (2024, 1, 10)


def test_a_paper_without_authors_has_no_empty_author(client, catalogue):
    feed = parse_feed(client.get("/feeds/daily.atom"))

    assert "author" not in feed.entries[2]


def test_an_empty_catalogue_is_an_empty_valid_feed(client, db):
    for url in ("/feeds/daily.atom", "/feeds/daily.rss", "/feeds/trending.atom", "/feeds/trending.rss"):
        assert parse_feed(client.get(url)).entries == []


def test_titles_and_abstracts_are_escaped_not_markup(client, db):
    PaperFactory(title="Q&A with <b>bold</b> claims", abstract="x < y & z", listed_on=JAN_10)

    entry = parse_feed(client.get("/feeds/daily.atom")).entries[0]

    assert entry.title == "Q&A with <b>bold</b> claims"
    assert "x &lt; y &amp; z" in entry.summary


def test_the_trending_feeds_rank_by_decayed_upvotes(client, catalogue):
    for url in ("/feeds/trending.atom", "/feeds/trending.rss"):
        feed = parse_feed(client.get(url))

        titles = [entry.title for entry in feed.entries]
        assert titles[0] == "Yesterday's paper"  # 99 upvotes outweigh a day's age
        assert set(titles) == {paper.title for paper in catalogue.values()}
        assert all(entry.link.startswith("http://testserver/abs/") for entry in feed.entries)


def test_a_shared_list_has_a_feed_of_its_papers_newest_first_without_notes(client, alice, catalogue):
    reading_list = ReadingList.objects.create(owner=alice, name="Navigation")
    first = reading_list_add(reading_list=reading_list, paper=catalogue["old"])
    latest = reading_list_add(reading_list=reading_list, paper=catalogue["top"])
    ReadingListItem.objects.filter(pk=first.pk).update(
        added_at=datetime.datetime(2024, 1, 20, tzinfo=datetime.UTC)
    )
    ReadingListItem.objects.filter(pk=latest.pk).update(
        note="PRIVATE NOTE", added_at=datetime.datetime(2024, 2, 1, 9, 30, tzinfo=datetime.UTC)
    )
    token = reading_list_share(reading_list=reading_list)

    response = client.get(f"/shared/{token}/feed.atom")

    feed = parse_feed(response)
    assert feed.feed.title == "Navigation · shared reading list · Papershelf"
    assert feed.feed.link == f"http://testserver/shared/{token}/"
    assert [entry.title for entry in feed.entries] == ["Most upvoted today", "Yesterday's paper"]
    assert feed.entries[0].published_parsed[:5] == (2024, 2, 1, 9, 30)
    assert b"PRIVATE NOTE" not in response.content
    assert b"alice" not in response.content
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_revoked_share_link_has_no_feed(client, alice):
    reading_list = ReadingList.objects.create(owner=alice, name="Navigation")
    token = reading_list_share(reading_list=reading_list)
    reading_list_unshare(reading_list=reading_list)

    assert client.get(f"/shared/{token}/feed.atom").status_code == 404
    assert client.get("/shared/None/feed.atom").status_code == 404
