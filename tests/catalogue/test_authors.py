"""Author names link to author pages (their papers, newest first); readers follow and unfollow authors."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from papers.models import Alert, Dismissal
from tests.catalogue.html import card_ids, text
from tests.factories import PaperFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 1, 10)
KAISER_URL = "/authors/lukasz-kaiser/"


@pytest.fixture
def kaiser_papers():
    return [
        PaperFactory(listed_on=datetime.date(2023, 6, 1), authors=["Łukasz Kaiser", "Ada Lovelace"]),
        PaperFactory(listed_on=DAY, authors=["Ada Lovelace", "Lukasz Kaiser"]),
        PaperFactory(listed_on=None, published_on=datetime.date(2017, 6, 12), authors=["Łukasz Kaiser"]),
    ]


def test_names_on_cards_link_to_their_author_pages(client):
    PaperFactory(listed_on=DAY, authors=["Łukasz Kaiser", "Ada Lovelace", "Alan Turing", "Grace Hopper"])

    page = text(client.get(f"/day/{DAY}/"))

    assert '<a href="/authors/lukasz-kaiser/">Łukasz Kaiser</a>' in page
    assert '<a href="/authors/alan-turing/">Alan Turing</a> et al.' in page
    assert "/authors/grace-hopper/" not in page, "a card names the first three"


def test_the_paper_page_links_every_author(client):
    paper = PaperFactory(authors=["Łukasz Kaiser", "Ada Lovelace", "Alan Turing", "Grace Hopper"])

    page = text(client.get(paper.get_absolute_url()))

    assert '<a href="/authors/grace-hopper/">Grace Hopper</a>' in page


def test_the_author_page_lists_their_papers_newest_first_whatever_the_spelling(client, kaiser_papers):
    PaperFactory(listed_on=DAY, authors=["Ada Lovelace"])

    response = client.get(KAISER_URL)

    assert response.status_code == 200
    assert card_ids(response) == [kaiser_papers[1].pk, kaiser_papers[0].pk, kaiser_papers[2].pk]
    assert "<h1>Łukasz Kaiser</h1>" in text(response)


def test_an_author_page_leaves_out_papers_the_reader_dismissed(alice, alice_client, kaiser_papers):
    Dismissal.objects.create(user=alice, paper=kaiser_papers[1])

    assert card_ids(alice_client.get(KAISER_URL)) == [kaiser_papers[0].pk, kaiser_papers[2].pk]


@pytest.mark.parametrize("slug", ["nobody-at-all", "Lukasz-Kaiser", "lukasz--kaiser", "-lukasz-kaiser"])
def test_an_author_nobody_wrote_as_is_a_404(client, kaiser_papers, slug):
    assert client.get(f"/authors/{slug}/").status_code == 404


def test_a_reader_follows_and_unfollows_an_author_without_javascript(alice, alice_client, kaiser_papers):
    response = alice_client.post(f"{KAISER_URL}follow/", {"next": KAISER_URL})

    assert response.status_code == 302 and response["Location"] == KAISER_URL
    alert = Alert.objects.get(user=alice)
    assert (alert.kind, alert.author_key, alert.author_name) == ("author", "lukasz kaiser", "Łukasz Kaiser")
    assert "Following · Unfollow" in text(alice_client.get(KAISER_URL))

    alice_client.post(f"{KAISER_URL}unfollow/", {"next": KAISER_URL})

    assert not Alert.objects.filter(user=alice).exists()
    assert ">Follow</button>" in text(alice_client.get(KAISER_URL))


def test_following_twice_is_following_once(alice, alice_client, kaiser_papers):
    alice_client.post(f"{KAISER_URL}follow/")
    alice_client.post(f"{KAISER_URL}follow/")

    assert Alert.objects.filter(user=alice).count() == 1


def test_htmx_gets_the_follow_button_alone(alice_client, kaiser_papers):
    response = alice_client.post(f"{KAISER_URL}follow/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert text(response).lstrip().startswith('<form id="follow-button"')
    assert f'action="{KAISER_URL}unfollow/"' in text(response)


def test_following_needs_a_post_with_a_csrf_token(alice, kaiser_papers):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.get(f"{KAISER_URL}follow/").status_code == 405
    assert client.post(f"{KAISER_URL}follow/").status_code == 403
    assert not Alert.objects.exists()


def test_a_visitor_who_follows_is_asked_to_log_in_and_comes_back(client, kaiser_papers):
    response = client.post(f"{KAISER_URL}follow/", {"next": KAISER_URL})

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={KAISER_URL}"


def test_following_an_author_nobody_wrote_as_is_a_404(alice_client):
    assert alice_client.post("/authors/nobody-at-all/follow/").status_code == 404
    assert not Alert.objects.exists()


def test_follows_are_each_readers_own(alice_client, bob, kaiser_papers):
    alice_client.post(f"{KAISER_URL}follow/")
    bob_client = Client()
    bob_client.force_login(bob)

    assert ">Follow</button>" in text(bob_client.get(KAISER_URL))
    bob_client.post(f"{KAISER_URL}unfollow/")
    assert Alert.objects.filter(kind="author").count() == 1


def test_a_reader_has_at_most_a_hundred_alerts(alice, alice_client, kaiser_papers):
    Alert.objects.bulk_create(
        Alert(user=alice, kind="author", name=f"A{n}", author_key=f"author {n}") for n in range(100)
    )

    response = alice_client.post(f"{KAISER_URL}follow/")

    assert response.status_code == 409
    assert Alert.objects.filter(user=alice).count() == 100


@pytest.mark.parametrize("papers", [3, 40])
def test_the_author_page_reads_a_fixed_number_of_rows(
    alice, alice_client, django_assert_num_queries, cache_off_the_database, papers
):
    PaperFactory.create_batch(papers, authors=["Łukasz Kaiser"])
    UserFactory.create_batch(3)

    # session, user; the author's spellings; the count and the page of papers (without the reader's
    # dismissals); whether the reader follows the author; the reader's lists, saves and upvotes among
    # the page's papers
    with django_assert_num_queries(9):
        response = alice_client.get(KAISER_URL)

    assert len(card_ids(response)) == min(papers, 30)
