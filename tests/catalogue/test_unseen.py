""" "Unseen only" on the daily, weekly and monthly listings."""

from __future__ import annotations

import datetime

import pytest

from papers.models import Dismissal, ListingImpression
from recommender.models import FeedImpression
from tests.catalogue.html import card_ids, text
from tests.factories import PaperFactory, ReadingListFactory, ReadingListItemFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 1, 10)
DAY_URL = f"/day/{DAY.isoformat()}/"
NEXT_DAY_URL = f"/day/{DAY + datetime.timedelta(days=1)}/"


def test_a_listing_records_what_the_reader_was_shown(alice, alice_client):
    papers = PaperFactory.create_batch(3, listed_on=DAY)

    alice_client.get(DAY_URL)
    alice_client.get(DAY_URL)

    assert set(ListingImpression.objects.filter(user=alice).values_list("paper_id", flat=True)) == {
        paper.pk for paper in papers
    }


def test_unseen_only_hides_papers_seen_in_listings_or_the_feed_saved_or_dismissed(alice, alice_client):
    seen_in_listing = PaperFactory(listed_on=DAY)
    alice_client.get(DAY_URL)
    seen_in_feed, saved, dismissed, new = PaperFactory.create_batch(4, listed_on=DAY)
    FeedImpression.objects.create(user=alice, paper=seen_in_feed)
    ReadingListItemFactory(reading_list=ReadingListFactory(owner=alice), paper=saved)
    Dismissal.objects.create(user=alice, paper=dismissed)

    response = alice_client.get(DAY_URL, {"unseen": "1"})

    assert card_ids(response) == [new.pk]
    assert seen_in_listing.pk not in card_ids(response)


def test_unseen_only_works_on_weeks_and_months(alice_client):
    seen = PaperFactory(listed_on=DAY)
    alice_client.get(DAY_URL)

    for url in ("/week/2024-W02/", "/month/2024-01/"):
        new = PaperFactory(listed_on=DAY + datetime.timedelta(days=1))
        # The week's page showed its new paper: the month hides it too.
        assert card_ids(alice_client.get(url, {"unseen": "1"})) == [new.pk], url
    assert seen.pk in card_ids(alice_client.get("/month/2024-01/"))


def test_paging_through_unseen_papers_skips_none(alice_client):
    papers = PaperFactory.create_batch(45, listed_on=DAY)

    first = alice_client.get(DAY_URL, {"unseen": "1"})
    next_link = first.context["request"].GET.urlencode()
    second = alice_client.get(f"{DAY_URL}?{next_link}&page=2")

    assert "seen_before=" in next_link
    assert len(card_ids(first)) == 30 and len(card_ids(second)) == 15
    assert set(card_ids(first)) | set(card_ids(second)) == {paper.pk for paper in papers}


def test_what_was_seen_on_the_first_page_is_hidden_next_time(alice_client):
    papers = PaperFactory.create_batch(3, listed_on=DAY)
    alice_client.get(DAY_URL, {"unseen": "1"})
    later = PaperFactory(listed_on=DAY)

    assert card_ids(alice_client.get(DAY_URL, {"unseen": "1"})) == [later.pk]
    assert len(papers) == 3


def test_the_toggle_is_offered_to_readers_and_says_when_all_is_seen(alice_client, client):
    PaperFactory(listed_on=DAY)
    alice_client.get(DAY_URL)

    page = text(alice_client.get(DAY_URL, {"unseen": "1"}))

    assert 'name="unseen" value="1" checked' in page
    assert "that you have not seen" in page
    assert 'name="unseen"' not in text(client.get(DAY_URL)), "a visitor has seen nothing we know of"


def test_a_visitor_asking_for_unseen_only_gets_the_whole_listing(client):
    papers = PaperFactory.create_batch(2, listed_on=DAY)

    assert set(card_ids(client.get(DAY_URL, {"unseen": "1"}))) == {paper.pk for paper in papers}
    assert not ListingImpression.objects.exists()


@pytest.mark.parametrize("value", ["not-a-time", "1e400", "-1", "99999999999999"])
def test_a_malformed_seen_before_is_now(alice_client, value):
    PaperFactory(listed_on=DAY)

    response = alice_client.get(DAY_URL, {"unseen": "1", "seen_before": value})

    assert response.status_code == 200


@pytest.mark.parametrize("size", [5, 40])
def test_an_unseen_listing_reads_a_fixed_number_of_rows(
    alice, alice_client, django_assert_num_queries, cache_off_the_database, size
):
    papers = PaperFactory.create_batch(size, listed_on=DAY)
    FeedImpression.objects.bulk_create(FeedImpression(user=alice, paper=paper) for paper in papers[:2])

    # session, user, the user's remembered categories; the days before and after (one query), the
    # count, the page (each with the NOT EXISTS of seen, saved and dismissed papers); the user's lists,
    # saves and upvotes among the page's papers; the page's listing impressions (one INSERT)
    with django_assert_num_queries(10):
        response = alice_client.get(DAY_URL, {"unseen": "1"})

    assert len(card_ids(response)) == min(size - 2, 30)
