""" "Not interested" on a feed card: the next paper in its place, undo, and who may do what."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertRedirects

from papers.models import Dismissal
from tests.factories import PaperFactory
from tests.feed.corpus import HTMX, model_version, recommend
from tests.feed.html import feed_card_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed_of_25(alice):
    papers = PaperFactory.create_batch(25)
    recommend(alice, papers, model_version())
    return papers


def test_the_htmx_answer_is_an_undo_notice_and_the_paper_after_the_page(alice_client, alice, feed_of_25):
    on_page = feed_of_25[:20]
    unwanted = on_page[4]

    response = alice_client.post(
        f"/feed/papers/{unwanted.pk}/not-interested/", {"shown": [p.pk for p in on_page]}, headers=HTMX
    )

    assert response.status_code == 200
    assert Dismissal.objects.filter(user=alice, paper=unwanted).exists()
    body = response.content.decode()
    assert body.lstrip().startswith(f'<li class="feed-dismissed" id="feed-card-{unwanted.pk}"')
    assertContains(response, f'hx-post="/feed/papers/{unwanted.pk}/not-interested/undo/"')
    assert feed_card_ids(response) == [feed_of_25[20].pk]


def test_successive_dismissals_bring_successive_papers(alice_client, feed_of_25):
    shown = [p.pk for p in feed_of_25[:20]]

    first = alice_client.post(f"/feed/papers/{shown[0]}/not-interested/", {"shown": shown}, headers=HTMX)
    shown.append(feed_card_ids(first)[0])
    second = alice_client.post(f"/feed/papers/{shown[1]}/not-interested/", {"shown": shown}, headers=HTMX)

    assert feed_card_ids(first) == [feed_of_25[20].pk]
    assert feed_card_ids(second) == [feed_of_25[21].pk]


def test_at_the_end_of_the_feed_only_the_notice_comes_back(alice_client, alice):
    papers = PaperFactory.create_batch(2)
    recommend(alice, papers, model_version())

    response = alice_client.post(
        f"/feed/papers/{papers[0].pk}/not-interested/", {"shown": [p.pk for p in papers]}, headers=HTMX
    )

    assert feed_card_ids(response) == []
    assertContains(response, "Not interested")


def test_the_dismissed_paper_is_gone_from_the_feed(alice_client, feed_of_25):
    alice_client.post(f"/feed/papers/{feed_of_25[0].pk}/not-interested/", headers=HTMX)

    assert feed_card_ids(alice_client.get("/feed/")) == [p.pk for p in feed_of_25[1:21]]


def test_undo_brings_the_card_back_with_its_reason(alice_client, alice, feed_of_25):
    paper = feed_of_25[2]
    alice_client.post(f"/feed/papers/{paper.pk}/not-interested/", headers=HTMX)

    response = alice_client.post(f"/feed/papers/{paper.pk}/not-interested/undo/", headers=HTMX)

    assert not Dismissal.objects.filter(user=alice, paper=paper).exists()
    assert feed_card_ids(response) == [paper.pk]
    assertContains(response, "Popular with readers now")
    assert paper.pk in feed_card_ids(alice_client.get("/feed/"))


def test_without_javascript_dismissing_returns_to_the_feed(alice_client, alice, feed_of_25):
    paper = feed_of_25[0]

    response = alice_client.post(f"/feed/papers/{paper.pk}/not-interested/", {"next": "/feed/"})

    assertRedirects(response, "/feed/", fetch_redirect_response=False)
    assert Dismissal.objects.filter(user=alice, paper=paper).exists()
    undo = alice_client.post(f"/feed/papers/{paper.pk}/not-interested/undo/", {"next": "/feed/"})
    assertRedirects(undo, "/feed/", fetch_redirect_response=False)
    assert not Dismissal.objects.filter(user=alice, paper=paper).exists()


def test_a_next_address_elsewhere_is_ignored(alice_client, feed_of_25):
    response = alice_client.post(
        f"/feed/papers/{feed_of_25[0].pk}/not-interested/", {"next": "https://evil.example/"}
    )

    assertRedirects(response, "/feed/", fetch_redirect_response=False)


def test_dismissing_acts_only_for_the_requesting_user(alice, bob_client, bob, feed_of_25):
    paper = feed_of_25[0]

    bob_client.post(f"/feed/papers/{paper.pk}/not-interested/", {"user": alice.pk}, headers=HTMX)

    assert list(Dismissal.objects.values_list("user_id", "paper_id")) == [(bob.pk, paper.pk)]


def test_another_users_undo_does_not_touch_your_dismissal(alice_client, alice, bob_client, feed_of_25):
    paper = feed_of_25[0]
    alice_client.post(f"/feed/papers/{paper.pk}/not-interested/", headers=HTMX)

    bob_client.post(f"/feed/papers/{paper.pk}/not-interested/undo/", headers=HTMX)

    assert Dismissal.objects.filter(user=alice, paper=paper).exists()


@pytest.mark.parametrize("action", ["not-interested", "not-interested/undo"])
def test_get_is_not_allowed(alice_client, feed_of_25, action):
    assert alice_client.get(f"/feed/papers/{feed_of_25[0].pk}/{action}/").status_code == 405


@pytest.mark.parametrize("action", ["not-interested", "not-interested/undo"])
def test_anonymous_visitors_are_sent_to_log_in(client, feed_of_25, action):
    paper = feed_of_25[0]

    plain = client.post(f"/feed/papers/{paper.pk}/{action}/", {"next": "/feed/"})
    htmx = client.post(f"/feed/papers/{paper.pk}/{action}/", headers=HTMX | {"HX-Current-URL": "/feed/"})

    assertRedirects(plain, "/accounts/login/?next=/feed/", fetch_redirect_response=False)
    assert htmx["HX-Redirect"] == "/accounts/login/?next=/feed/"
    assert not Dismissal.objects.exists()


def test_an_unknown_paper_is_a_404(alice_client):
    assert alice_client.post("/feed/papers/999999/not-interested/", headers=HTMX).status_code == 404


def test_a_post_without_a_csrf_token_is_refused(alice, feed_of_25):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(f"/feed/papers/{feed_of_25[0].pk}/not-interested/", headers=HTMX)

    assert response.status_code == 403
    assert not Dismissal.objects.exists()


def test_malformed_shown_ids_are_ignored(alice_client, feed_of_25):
    response = alice_client.post(
        f"/feed/papers/{feed_of_25[0].pk}/not-interested/",
        {"shown": ["x", "-3", "1e9", "¹", str(2**64)]},
        headers=HTMX,
    )

    assert feed_card_ids(response) == [feed_of_25[1].pk]
