"""Reading the feed is a database read of a fixed number of queries, however much the user has done."""

from __future__ import annotations

import pytest

from papers.models import Dismissal, Profile, Upvote
from recommender.models import SimilarPaper
from tests.factories import PaperFactory, ReadingListFactory, ReadingListItemFactory
from tests.feed.corpus import HTMX, model_version, recommend

# The counts are of the page's own queries, whatever the cache backend (see the fixture).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_off_the_database")]


def with_history(user, size: int) -> None:
    """`size` recommendations, upvotes, saves (on `size` lists) and dismissals."""
    version = model_version()
    recommend(user, PaperFactory.create_batch(size), version)
    Upvote.objects.bulk_create(Upvote(user=user, paper=paper) for paper in PaperFactory.create_batch(size))
    Dismissal.objects.bulk_create(
        Dismissal(user=user, paper=paper) for paper in PaperFactory.create_batch(size)
    )
    for reading_list in ReadingListFactory.create_batch(size, owner=user):
        ReadingListItemFactory(reading_list=reading_list)


@pytest.mark.parametrize("size", [3, 300])
def test_the_feed_reads_a_fixed_number_of_rows(alice_client, alice, django_assert_num_queries, size):
    with_history(alice, size)
    alice_client.get("/feed/")  # this hour's visit is recorded

    # session, user, profile, the page of recommendations with their papers and related papers, the
    # papers the user's alerts matched, user state of the cards (lists, saved items, upvotes), this
    # page's impressions
    with django_assert_num_queries(9):
        response = alice_client.get("/feed/")

    assert len(response.context["page"].entries) == min(size, 20)


@pytest.mark.parametrize("size", [3, 300])
def test_the_first_visit_of_the_hour_records_it_in_the_profile_read(
    alice_client, alice, django_assert_num_queries, size
):
    with_history(alice, size)
    alice_client.get("/feed/")
    Profile.objects.filter(user=alice).update(feed_visited_at=None)

    # as any feed page, and the UPDATE that marks the visit
    with django_assert_num_queries(10):
        alice_client.get("/feed/")

    assert Profile.objects.get(user=alice).feed_visited_at is not None


@pytest.mark.parametrize("size", [25, 300])
def test_load_more_reads_as_many(alice_client, alice, django_assert_num_queries, size):
    with_history(alice, size)
    shown = list(alice.recommendations.order_by("rank").values_list("paper_id", flat=True)[:20])
    alice_client.get("/feed/")

    # as the first page
    with django_assert_num_queries(8):
        response = alice_client.get(
            "/feed/", {"offset": 20, "shown": shown}, headers=HTMX | {"HX-Target": "feed-more"}
        )

    assert len(response.context["page"].entries) == min(size - 20, 20)


def test_the_anonymous_feed_reads_two_queries(client, django_assert_num_queries):
    PaperFactory.create_batch(30)

    # the newest listing day, the trending papers
    with django_assert_num_queries(2):
        client.get("/feed/")


@pytest.mark.parametrize("size", [3, 10])
def test_the_paper_page_reads_its_similar_papers_in_one_query(client, django_assert_num_queries, size):
    paper, *others = PaperFactory.create_batch(size + 1)
    version = model_version()
    SimilarPaper.objects.bulk_create(
        SimilarPaper(paper=paper, similar=other, version=version, rank=rank, score=1.0)
        for rank, other in enumerate(others, start=1)
    )

    # the paper, its similar papers
    with django_assert_num_queries(2):
        response = client.get(paper.get_absolute_url())

    assert response.context["similar_papers"] == others
