"""Stored pages (papers/page_cache.py): a repeat visit is sent from the shared cache, and never once it
would show something that is no longer true."""

from __future__ import annotations

import datetime
import time

import pytest
from django.db.models import F
from django.test import Client
from django.utils import timezone

from papers import page_cache
from papers.importers.records import PaperRecord
from papers.importers.upsert import import_records
from papers.models import Paper, Profile, ReadingList
from recommender.feed_query import VISIT_GAP
from recommender.models import SimilarPaper
from tests.catalogue.html import card_ids, csrf_tokens, text, upvote_count, upvoted
from tests.factories import PaperFactory, ReadingListFactory, UserFactory
from tests.feed.corpus import model_version, recommend
from tests.feed.html import feed_card_ids

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_stored")]

DAY = datetime.date(2024, 1, 10)
DAY_URL = f"/day/{DAY.isoformat()}/"


def served_from_store(response) -> bool:
    """A stored page is sent as it is: no template is rendered for it."""
    return response.status_code == 200 and not response.templates


def test_a_second_visit_is_sent_from_the_store_reading_only_the_session_user_and_categories(
    alice_client, django_assert_num_queries, cache_off_the_database
):
    PaperFactory.create_batch(5, listed_on=DAY)
    first = alice_client.get(DAY_URL)

    # session, user, and the reader's remembered categories (a listing filtered by them is never stored)
    with django_assert_num_queries(3):
        second = alice_client.get(DAY_URL)

    assert not served_from_store(first)
    assert served_from_store(second)
    assert card_ids(second) == card_ids(first) and len(card_ids(first)) == 5


def test_a_stored_page_carries_a_fresh_csrf_token_that_works(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    paper = PaperFactory(listed_on=DAY)
    first = client.get(DAY_URL)
    second = client.get(DAY_URL)
    assert served_from_store(second)

    tokens = csrf_tokens(second)
    assert len(tokens) == 1, "one fresh token everywhere on the page"
    token = tokens.pop()
    assert token not in text(first), "masked anew for each response"

    response = client.post(f"/papers/{paper.pk}/upvote/", {"action": "upvote", "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert paper.upvotes.filter(user=alice).exists()


@pytest.mark.parametrize("url", [DAY_URL, "/feed/"])
def test_a_count_that_moved_while_the_page_rendered_keeps_it_from_being_stored(
    alice_client, alice, monkeypatch, url
):
    """A vote whose token renewal did not reach the cache (it was unreachable a moment) and that landed
    during the render: the numbers read again before storing differ, so the page is not kept."""
    paper = PaperFactory(listed_on=DAY, source_upvotes=7)
    recommend(alice, [paper], model_version())
    Profile.for_user(alice)  # made by the first feed view otherwise, which renews her pages' token
    check = page_cache.checked_paper_tokens

    def vote_lands_meanwhile(shown):
        Paper.objects.filter(pk=paper.pk).update(upvote_count=F("upvote_count") + 1)  # renews no token
        monkeypatch.setattr(page_cache, "checked_paper_tokens", check)
        return check(shown)

    monkeypatch.setattr(page_cache, "checked_paper_tokens", vote_lands_meanwhile)
    first = alice_client.get(url)
    second = alice_client.get(url)

    assert upvote_count(first, paper) == 7
    assert not served_from_store(second)
    assert upvote_count(second, paper) == 8


def test_my_upvote_shows_on_the_page_at_once(alice_client):
    paper = PaperFactory(listed_on=DAY, source_upvotes=7)
    alice_client.get(DAY_URL)
    alice_client.get(DAY_URL)

    alice_client.post(f"/papers/{paper.pk}/upvote/", {"action": "upvote"})
    page = alice_client.get(DAY_URL)

    assert upvoted(page, paper) and upvote_count(page, paper) == 8


def test_someone_elses_upvote_shows_in_the_count_at_once(alice_client, bob_client):
    paper, _other = PaperFactory.create_batch(2, listed_on=DAY)
    assert served_from_store(alice_client.get(DAY_URL)) is False
    assert served_from_store(alice_client.get(DAY_URL))

    bob_client.post(f"/papers/{paper.pk}/upvote/", {"action": "upvote"})
    page = alice_client.get(DAY_URL)

    assert not served_from_store(page)
    assert upvote_count(page, paper) == 1 and not upvoted(page, paper)
    assert served_from_store(alice_client.get(DAY_URL)), "stored again with the new count"


def test_a_paper_i_am_not_interested_in_leaves_the_page(alice_client):
    kept, dismissed = PaperFactory.create_batch(2, listed_on=DAY)
    alice_client.get(DAY_URL)

    alice_client.post(f"/papers/{dismissed.pk}/dismiss/")
    page = alice_client.get(DAY_URL)

    assert card_ids(page) == [kept.pk]


def test_a_renamed_list_shows_in_the_save_menus(alice_client, alice):
    PaperFactory(listed_on=DAY)
    reading_list = ReadingListFactory(owner=alice, name="Thesis")
    assert "Thesis" in text(alice_client.get(DAY_URL))
    alice_client.get(DAY_URL)

    alice_client.post(f"/lists/{reading_list.pk}/edit/", {"name": "Dissertation", "description": ""})
    page = alice_client.get(DAY_URL)

    assert "Dissertation" in text(page) and "Thesis" not in text(page)


def test_pages_are_never_shared_between_readers(alice_client, bob_client):
    PaperFactory(listed_on=DAY)
    alice_page = alice_client.get(DAY_URL)
    bob_page = bob_client.get(DAY_URL)

    assert ">alice</a>" in text(alice_page) and ">bob</a>" in text(bob_page)
    assert ">alice</a>" not in text(bob_page)
    assert ">alice</a>" in text(alice_client.get(DAY_URL))


def test_newly_imported_papers_join_a_stored_day(alice_client):
    PaperFactory(listed_on=DAY)
    alice_client.get(DAY_URL)
    alice_client.get(DAY_URL)

    record = PaperRecord(
        title="A paper imported later", source=Paper.Source.ARXIV_API, arxiv_id="2401.05001", listed_on=DAY
    )
    report = import_records([record], origin="test")
    assert report.created == 1
    page = alice_client.get(DAY_URL)

    assert "A paper imported later" in text(page)


def test_a_new_model_shows_its_similar_papers_on_a_stored_paper_page(alice_client):
    paper, old_neighbour, new_neighbour = PaperFactory.create_batch(3)
    first = model_version()
    SimilarPaper.objects.create(paper=paper, similar=old_neighbour, version=first, rank=1, score=0.9)
    url = paper.get_absolute_url()
    alice_client.get(url)
    assert served_from_store(alice_client.get(url))

    second = model_version()
    SimilarPaper.objects.create(paper=paper, similar=new_neighbour, version=second, rank=1, score=0.9)
    page = alice_client.get(url)

    assert card_ids(page) == [new_neighbour.pk]


def test_a_saved_paper_leaves_the_stored_feed(alice_client, alice):
    papers = PaperFactory.create_batch(3)
    recommend(alice, papers, model_version())
    alice_client.get("/feed/")  # the first visit creates the reader's profile
    alice_client.get("/feed/")
    assert served_from_store(alice_client.get("/feed/"))

    alice_client.post(f"/papers/{papers[0].pk}/save/", {"add": "default"})
    page = alice_client.get("/feed/")

    assert feed_card_ids(page) == [paper.pk for paper in papers[1:]]


def test_the_feed_is_rendered_again_once_the_visit_is_an_hour_old(alice_client, alice):
    recommend(alice, PaperFactory.create_batch(2), model_version())
    alice_client.get("/feed/")  # the first visit creates the reader's profile
    # This visit began 59 minutes 58 seconds ago: in two seconds it is an hour old, the next page view
    # is a new visit, and "new since your last visit" moves.
    almost_an_hour_ago = timezone.now() - VISIT_GAP + datetime.timedelta(seconds=2)
    Profile.objects.filter(user=alice).update(feed_visited_at=almost_an_hour_ago)
    alice_client.get("/feed/")
    assert served_from_store(alice_client.get("/feed/"))

    time.sleep(2.5)
    page = alice_client.get("/feed/")

    assert not served_from_store(page)
    assert Profile.objects.get(user=alice).feed_visited_at > almost_an_hour_ago + VISIT_GAP


def test_flash_messages_are_shown_once_and_never_stored(alice_client):
    paper = PaperFactory(listed_on=DAY)
    alice_client.get(DAY_URL)

    response = alice_client.post(f"/papers/{paper.pk}/dismiss/", {"next": DAY_URL}, follow=True)
    assert "Hidden:" in text(response)
    again = alice_client.get(DAY_URL)

    assert "Hidden:" not in text(again)


def test_htmx_requests_are_always_rendered(alice_client):
    paper = PaperFactory(listed_on=DAY, title="First title")
    alice_client.get(DAY_URL)
    # A change no stored page is told about (an UPDATE outside the site's functions):
    Paper.objects.filter(pk=paper.pk).update(title="Second title", updated_at=timezone.now())

    fragment = alice_client.get(DAY_URL, headers={"HX-Request": "true"})

    assert "Second title" in text(fragment) and "<html" not in text(fragment)
    assert "First title" in text(alice_client.get(DAY_URL)), "while the whole page was stored"


def test_a_deleted_list_leaves_the_save_menus(alice_client, alice):
    PaperFactory(listed_on=DAY)
    reading_list = ReadingListFactory(owner=alice, name="Old project")
    assert "Old project" in text(alice_client.get(DAY_URL))

    alice_client.post(f"/lists/{reading_list.pk}/delete/", follow=True)  # "Deleted “Old project”."
    assert not ReadingList.objects.filter(pk=reading_list.pk).exists()

    assert "Old project" not in text(alice_client.get(DAY_URL))


def test_an_anonymous_visitor_gets_the_anonymous_page_after_a_reader_stored_theirs(alice_client, client):
    PaperFactory(listed_on=DAY)
    alice_client.get(DAY_URL)
    alice_client.get(DAY_URL)

    page = client.get(DAY_URL)

    assert "Log in" in text(page) and ">alice</a>" not in text(page)


def test_a_new_reader_with_the_same_browser_gets_their_own_page():
    carol, dave = UserFactory(username="carol"), UserFactory(username="dave")
    PaperFactory(listed_on=DAY)
    client = Client()
    client.force_login(carol)
    client.get(DAY_URL)
    client.logout()
    client.force_login(dave)

    page = client.get(DAY_URL)

    assert ">dave</a>" in text(page) and ">carol</a>" not in text(page)
