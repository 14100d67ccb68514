from __future__ import annotations

import datetime

import pytest
from pytest_django.asserts import assertContains

from papers.models import Dismissal, Paper
from tests.catalogue.html import card_ids
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

NEWEST = datetime.date(2024, 3, 31)


def days_before_newest(days: int) -> datetime.date:
    return NEWEST - datetime.timedelta(days=days)


def test_a_new_paper_with_some_upvotes_beats_an_old_one_with_many(client):
    old_favourite = PaperFactory(listed_on=days_before_newest(20), source_upvotes=100)  # 101 / 22^1.5 ≈ 0.98
    new_paper = PaperFactory(listed_on=NEWEST, source_upvotes=5)  # 6 / 2^1.5 ≈ 2.12

    response = client.get("/trending/")

    assert card_ids(response) == [new_paper.pk, old_favourite.pk]


def test_papers_of_the_same_age_rank_by_upvotes_including_our_users(client):
    source_votes = PaperFactory(listed_on=NEWEST, source_upvotes=5, upvote_count=0)
    user_votes = PaperFactory(listed_on=NEWEST, source_upvotes=0, upvote_count=9)

    assert card_ids(client.get("/trending/")) == [user_votes.pk, source_votes.pk]


def test_only_the_last_30_days_of_listings_trend(client):
    inside = PaperFactory(listed_on=days_before_newest(29), source_upvotes=1)
    PaperFactory(listed_on=days_before_newest(30), source_upvotes=1000)
    newest = PaperFactory(listed_on=NEWEST)

    assert sorted(card_ids(client.get("/trending/"))) == sorted([inside.pk, newest.pk])


def test_the_score_follows_the_formula():
    PaperFactory(listed_on=NEWEST)
    PaperFactory(listed_on=days_before_newest(3), source_upvotes=7, upvote_count=2)

    paper = Paper.objects.trending().get(listed_on=days_before_newest(3))

    assert paper.trending_score == pytest.approx((7 + 2 + 1) / (3 + 2) ** 1.5)


def test_age_counts_from_the_given_day():
    PaperFactory(listed_on=NEWEST, source_upvotes=0)

    (paper,) = Paper.objects.trending(as_of=NEWEST + datetime.timedelta(days=2))

    assert paper.trending_score == pytest.approx(1 / 4**1.5)


def test_the_page_states_the_formula(client):
    PaperFactory(listed_on=NEWEST)

    assertContains(
        client.get("/trending/"), "Ranked by (upvotes + 1) / (days since listed + 2)<sup>1.5</sup>"
    )


def test_trending_in_an_empty_catalogue_says_so(client):
    response = client.get("/trending/")

    assert response.status_code == 200
    assertContains(response, "Nothing is trending yet")


def test_trending_is_paged(client):
    PaperFactory.create_batch(33, listed_on=NEWEST)

    first, second = client.get("/trending/"), client.get("/trending/?page=2")

    assert len(card_ids(first)) == 30
    assert len(card_ids(second)) == 3
    assert not set(card_ids(first)) & set(card_ids(second))


def test_the_pages_follow_on_in_trending_order(client):
    papers = [PaperFactory(listed_on=NEWEST, source_upvotes=votes) for votes in range(33)]

    shown = card_ids(client.get("/trending/")) + card_ids(client.get("/trending/?page=2"))

    assert shown == [paper.pk for paper in reversed(papers)]


def test_a_readers_dismissals_do_not_move_the_trending_window(client, alice, alice_client):
    newest = PaperFactory(listed_on=NEWEST)
    recent = PaperFactory(listed_on=days_before_newest(3))
    PaperFactory(listed_on=days_before_newest(31), source_upvotes=50)  # out of everyone's window
    Dismissal.objects.create(user=alice, paper=newest)

    assert card_ids(alice_client.get("/trending/")) == [recent.pk]
    assert sorted(card_ids(client.get("/trending/"))) == sorted([newest.pk, recent.pk])


def test_load_more_on_trending_returns_only_cards(client):
    PaperFactory.create_batch(33, listed_on=NEWEST)

    response = client.get("/trending/?page=2", headers={"HX-Request": "true", "HX-Target": "load-more"})

    assert "<html" not in response.content.decode()
    assert len(card_ids(response)) == 3
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("size", [5, 40])
def test_trending_reads_a_fixed_number_of_rows(
    client, alice, alice_client, django_assert_num_queries, cache_off_the_database, size
):
    PaperFactory.create_batch(size, listed_on=NEWEST)

    # the newest listing day, the count, the page (each without the reader's dismissals)
    with django_assert_num_queries(3):
        assert len(card_ids(client.get("/trending/"))) == min(size, 30)
    # and for a reader: the session, the user, their remembered categories, then their lists, saves and
    # upvotes among the page's papers
    with django_assert_num_queries(3 + 2 + 1 + 3):
        assert len(card_ids(alice_client.get("/trending/"))) == min(size, 30)
