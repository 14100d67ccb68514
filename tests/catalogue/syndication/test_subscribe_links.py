"""Where the feeds are offered: a <link rel="alternate"> for feed readers and a visible RSS link."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

from papers.lists.operations import reading_list_share
from papers.models import Profile, ReadingList
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def paper(db):
    return PaperFactory(listed_on=datetime.date(2024, 1, 10))


def test_the_daily_page_offers_the_daily_feeds(client):
    response = client.get("/")

    assertContains(
        response,
        '<link rel="alternate" type="application/atom+xml" title="Papershelf: daily papers"'
        ' href="/feeds/daily.atom">',
    )
    assertContains(response, 'type="application/rss+xml"')
    assertContains(response, ">RSS</a>")


def test_the_trending_page_offers_the_trending_feeds(client):
    response = client.get("/trending/")

    assertContains(
        response,
        'type="application/atom+xml" title="Papershelf: trending papers" href="/feeds/trending.atom"',
    )
    assertContains(response, 'href="/feeds/trending.rss"')


def test_a_shared_list_page_offers_its_feed(client, alice):
    token = reading_list_share(reading_list=ReadingList.objects.create(owner=alice, name="Navigation"))

    response = client.get(f"/shared/{token}/")

    assertContains(response, f'href="/shared/{token}/feed.atom"', count=2)


def test_the_account_page_shows_the_private_feed_urls(alice):
    reading_list = ReadingList.objects.create(owner=alice, name="Thesis")
    client = Client()
    client.force_login(alice)

    response = client.get("/account/")

    token = Profile.for_user(alice).feed_token
    # Shown whole as text (a read-only box cut them off), each with a Copy button.
    assertContains(
        response,
        f'id="feed-personal" aria-labelledby="feed-personal-name">http://testserver/feeds/u/{token}/feed.atom</code>',
    )
    assertContains(response, f">http://testserver/feeds/u/{token}/lists/{reading_list.pk}.atom</code>")
    assertContains(response, 'data-copy="feed-personal"')
    assertContains(response, f'data-copy="feed-list-{reading_list.pk}"')
