"""Shared copies (papers/shared_pages.py): a page one reader rendered is filled in for the next reader,
and nothing of the first reader ever shows on it."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.test import Client

from papers.importers.records import PaperRecord
from papers.importers.upsert import import_records
from papers.lists.votes import paper_dismiss, paper_upvote
from papers.models import Paper
from tests.catalogue.html import card_ids, csrf_tokens, text, upvote_count, upvoted
from tests.factories import PaperFactory, ReadingListFactory, ReadingListItemFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_stored")]

DAY = datetime.date(2024, 1, 10)
DAY_URL = f"/day/{DAY.isoformat()}/"


def rendered(response, template: str) -> bool:
    return template in [t.name for t in response.templates]


def quick_saved(response, paper) -> bool:
    button = re.search(rf'<button class="chip( chip--on)?" id="save-quick-{paper.pk}"', text(response))
    assert button, f"no quick save for paper {paper.pk}"
    return bool(button.group(1))


def test_the_next_reader_gets_the_page_filled_in_for_them(alice_client, bob_client):
    PaperFactory.create_batch(3, listed_on=DAY)
    alices = alice_client.get(DAY_URL)

    bobs = bob_client.get(DAY_URL)

    assert rendered(alices, "papers/daily.html")
    assert not rendered(bobs, "papers/daily.html"), "bob's page is alice's copy, filled in"
    assert card_ids(bobs) == card_ids(alices) and len(card_ids(bobs)) == 3
    assert ">bob</a>" in text(bobs) and ">alice</a>" not in text(bobs)
    assert "<!--" + "upvote-button:" not in text(bobs) and "viewer-block" not in text(bobs)


def test_nothing_of_the_first_reader_shows_on_the_next_readers_copy(alice, alice_client, bob, bob_client):
    mine, saved, bobs_pick = PaperFactory.create_batch(3, listed_on=DAY)
    paper_upvote(user=alice, paper=mine)
    ReadingListItemFactory(reading_list=ReadingListFactory(owner=alice, is_default=True), paper=saved)
    ReadingListFactory(owner=alice, name="Alice's secret list")
    ReadingListFactory(owner=bob, name="Bob's own list")
    paper_upvote(user=bob, paper=bobs_pick)
    alices = alice_client.get(DAY_URL)

    bobs = bob_client.get(DAY_URL)

    assert upvoted(alices, mine) and quick_saved(alices, saved)
    assert "Alice's secret list" in html.unescape(text(alices))
    assert not rendered(bobs, "papers/daily.html")
    assert not upvoted(bobs, mine) and not quick_saved(bobs, saved)
    assert upvoted(bobs, bobs_pick) and not upvoted(alices, bobs_pick)
    assert "secret list" not in text(bobs)
    assert "Bob's own list" in html.unescape(text(bobs))
    assert upvote_count(bobs, mine) == upvote_count(alices, mine) == 1


@pytest.mark.parametrize("copy_made_first", [True, False])
def test_a_reader_who_dismissed_a_paper_gets_their_own_page_without_it(
    alice_client, bob, bob_client, copy_made_first
):
    # Whether or not the shared copy exists yet, the query of Bob's state tells that his page is his own.
    hidden, kept = PaperFactory.create_batch(2, listed_on=DAY)
    if copy_made_first:
        alice_client.get(DAY_URL)
    paper_dismiss(user=bob, paper=hidden)

    bobs = bob_client.get(DAY_URL)

    assert rendered(bobs, "papers/daily.html")
    assert card_ids(bobs) == [kept.pk]
    assert set(card_ids(alice_client.get(DAY_URL))) == {hidden.pk, kept.pk}


def test_the_paper_page_shows_each_readers_own_controls(alice, alice_client, bob_client):
    paper = PaperFactory(listed_on=DAY)
    ReadingListItemFactory(reading_list=ReadingListFactory(owner=alice, is_default=True), paper=paper)
    paper_upvote(user=alice, paper=paper)
    alices = alice_client.get(paper.get_absolute_url())

    bobs = bob_client.get(paper.get_absolute_url())

    assert not rendered(bobs, "papers/paper_detail.html")
    assert upvoted(alices, paper) and quick_saved(alices, paper)
    assert not upvoted(bobs, paper) and not quick_saved(bobs, paper)
    assert upvote_count(bobs, paper) == upvote_count(alices, paper) == 1
    assert ">bob</a>" in text(bobs) and ">alice</a>" not in text(bobs)


def test_a_filled_copy_of_the_paper_page_is_the_page_a_render_gives(
    alice, alice_client, bob_client, settings
):
    paper = PaperFactory(listed_on=DAY)
    ReadingListItemFactory(reading_list=ReadingListFactory(owner=alice, name="Reading group"), paper=paper)
    ReadingListFactory(owner=alice, is_default=True)
    paper_upvote(user=alice, paper=paper)
    bob_client.get(paper.get_absolute_url())  # the copy is made for bob's view

    filled = alice_client.get(paper.get_absolute_url())
    settings.PAGE_CACHE_SECONDS = 0
    rendered_for_alice = alice_client.get(paper.get_absolute_url())

    assert not rendered(filled, "papers/paper_detail.html")
    assert rendered(rendered_for_alice, "papers/paper_detail.html")
    without_tokens = re.compile(r"[A-Za-z0-9]{64}")
    assert without_tokens.sub("<token>", text(filled)) == without_tokens.sub(
        "<token>", text(rendered_for_alice)
    )
    assert "Reading group" in text(filled) and upvoted(filled, paper)


def test_someone_elses_upvote_shows_in_the_count_on_the_shared_copy(alice_client, bob_client):
    paper = PaperFactory(listed_on=DAY)
    alice_client.get(DAY_URL)
    bob_client.get(DAY_URL)

    paper_upvote(user=UserFactory(), paper=paper)

    assert upvote_count(bob_client.get(DAY_URL), paper) == 1
    assert upvote_count(Client().get(DAY_URL), paper) == 1


def test_a_paper_imported_later_joins_the_shared_copy(alice_client, bob_client):
    PaperFactory(listed_on=DAY)
    alice_client.get(DAY_URL)
    record = PaperRecord(
        title="A paper imported later", source=Paper.Source.ARXIV_API, arxiv_id="2401.05001", listed_on=DAY
    )
    assert import_records([record], origin="test").created == 1

    assert "A paper imported later" in text(bob_client.get(DAY_URL))


def test_a_shared_copy_carries_the_readers_own_working_csrf_token(alice_client, bob):
    paper = PaperFactory(listed_on=DAY)
    alice_client.get(paper.get_absolute_url())
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)

    page = client.get(paper.get_absolute_url())
    tokens = csrf_tokens(page)
    response = client.post(
        f"/papers/{paper.pk}/upvote/", {"action": "upvote", "csrfmiddlewaretoken": tokens.pop()}
    )

    assert not rendered(page, "papers/paper_detail.html")
    assert not tokens, "one token everywhere on the page"
    assert response.status_code == 302
    assert upvoted(client.get(paper.get_absolute_url()), paper)


def test_visitors_who_are_not_logged_in_share_a_copy_of_their_own(alice_client):
    paper = PaperFactory(listed_on=DAY)
    alices = alice_client.get(DAY_URL)
    first_visitor = Client().get(DAY_URL)

    second_visitor = Client().get(DAY_URL)

    assert rendered(first_visitor, "papers/daily.html"), "a reader's copy is not a visitor's"
    assert not rendered(second_visitor, "papers/daily.html")
    assert card_ids(second_visitor) == [paper.pk]
    assert f'href="/accounts/login/?next={DAY_URL}"' in text(second_visitor)
    assert "Log out" not in text(second_visitor) and ">alice</a>" not in text(second_visitor)
    assert "Log out" in text(alices)
