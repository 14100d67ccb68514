"""Pages read a fixed number of rows however many papers, items or lists there are."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers.models import Dismissal, Upvote
from tests.catalogue.html import card_ids
from tests.factories import PaperFactory, ReadingListFactory, ReadingListItemFactory, UserFactory
from tests.lists.conftest import HTMX

# The counts are of the page's own queries, whatever the cache backend (see the fixture).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_off_the_database")]

DAY = datetime.date(2024, 1, 10)


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_page_reads_a_fixed_number_of_rows(
    alice_client, alices_list, django_assert_num_queries, size
):
    for item in ReadingListItemFactory.create_batch(size, reading_list=alices_list):
        item.note = "a note"
        item.save()

    # session, user, the list, counts per status, the page of items with their papers, the profile
    # (the export panel's subscribe link)
    with django_assert_num_queries(6):
        response = alice_client.get(f"/lists/{alices_list.pk}/")

    assert len(response.context["page_obj"]) == size


@pytest.mark.parametrize("size", [3, 30])
def test_a_filtered_sorted_list_page_reads_as_many(
    alice_client, alices_list, django_assert_num_queries, size
):
    ReadingListItemFactory.create_batch(size, reading_list=alices_list, status="read")

    with django_assert_num_queries(6):
        response = alice_client.get(f"/lists/{alices_list.pk}/", {"status": "read", "sort": "title"})

    assert len(response.context["page_obj"]) == size


@pytest.mark.parametrize("size", [3, 30])
def test_the_save_control_reads_a_fixed_number_of_rows(
    alice_client, alice, paper, django_assert_num_queries, size
):
    for reading_list in ReadingListFactory.create_batch(size, owner=alice):
        ReadingListItemFactory(reading_list=reading_list, paper=paper)

    # session, user, the paper; the user's lists, the lists holding it (the control alone shows no
    # upvote, so the user's upvote is not read)
    with django_assert_num_queries(5):
        response = alice_client.get(f"/papers/{paper.pk}/save/", headers=HTMX)

    assert response.content.decode().count('name="remove"') == size


def test_a_save_answers_with_as_many_queries_for_3_lists_as_for_30(client):
    # The write's own queries include whatever receivers of user_signals_changed run (the recommender's
    # outbox, which skips a user already waiting for a re-rank), so this compares two users in the
    # same position instead of pinning a number another app decides.
    def queries_to_save(size):
        user = UserFactory()
        lists = ReadingListFactory.create_batch(size, owner=user)
        client.force_login(user)
        paper = PaperFactory()
        with CaptureQueriesContext(connection) as context:
            response = client.post(f"/papers/{paper.pk}/save/", {"add": lists[0].pk}, headers=HTMX)
        assert response.status_code == 200
        assert response.content.decode().count('name="remove"') == 1
        return len(context)

    assert queries_to_save(3) == queries_to_save(30)


@pytest.mark.parametrize("size", [3, 30])
def test_the_lists_index_reads_a_fixed_number_of_rows(
    alice_client, alice, alices_default, django_assert_num_queries, size
):
    for reading_list in ReadingListFactory.create_batch(size, owner=alice):
        ReadingListItemFactory(reading_list=reading_list)

    # session, user, the lists with their counts
    with django_assert_num_queries(3):
        response = alice_client.get("/lists/")

    assert len(response.context["lists"]) == size + 1


@pytest.mark.parametrize("size", [5, 40])
def test_the_daily_page_for_a_user_does_not_grow_with_the_papers(
    alice_client, alice, django_assert_num_queries, size
):
    papers = PaperFactory.create_batch(size, listed_on=DAY)
    Upvote.objects.create(user=alice, paper=papers[0])
    Dismissal.objects.create(user=alice, paper=papers[1])
    ReadingListItemFactory(reading_list=ReadingListFactory(owner=alice), paper=papers[2])

    # session, user, the user's remembered categories; the newest day, the days before and after (one
    # query), the count, the page (each without the user's dismissals); the user's lists, saves and
    # upvotes among the page's papers; the page's listing impressions (one INSERT)
    with django_assert_num_queries(11):
        response = alice_client.get("/")

    assert len(card_ids(response)) == min(size - 1, 30)


@pytest.mark.parametrize("size", [3, 30])
def test_the_hidden_page_reads_a_fixed_number_of_rows(alice_client, alice, django_assert_num_queries, size):
    for paper in PaperFactory.create_batch(size):
        Dismissal.objects.create(user=alice, paper=paper)

    # session, user, the count, the page with the papers
    with django_assert_num_queries(4):
        alice_client.get("/hidden/")


@pytest.mark.parametrize("size", [3, 30])
def test_the_shared_page_reads_a_fixed_number_of_rows(client, alices_list, django_assert_num_queries, size):
    alices_list.share_token = "token"
    alices_list.save()
    ReadingListItemFactory.create_batch(size, reading_list=alices_list)

    # the list, the count, the page of items with their papers
    with django_assert_num_queries(3):
        client.get("/shared/token/")
