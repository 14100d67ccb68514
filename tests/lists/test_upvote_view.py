from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

from papers.models import Upvote
from tests.factories import PaperFactory
from tests.lists.conftest import HTMX

pytestmark = pytest.mark.django_db


def upvote_url(paper):
    return f"/papers/{paper.pk}/upvote/"


def test_an_htmx_upvote_answers_with_the_button_counting_it(alice_client, alice):
    paper = PaperFactory(source_upvotes=41)

    response = alice_client.post(upvote_url(paper), {"action": "upvote"}, headers=HTMX)

    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<form id="upvote-button-{paper.pk}"')
    assert f'id="upvote-button-{paper.pk}"' in body
    assert '<span class="upvote__count">42</span>' in body
    assert 'aria-pressed="true"' in body
    assert 'name="action" value="unvote"' in body
    assert "<html" not in body
    assert Upvote.objects.filter(user=alice, paper=paper).count() == 1
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_posting_upvote_twice_keeps_one_upvote(alice_client, alice):
    paper = PaperFactory()

    alice_client.post(upvote_url(paper), {"action": "upvote"}, headers=HTMX)
    response = alice_client.post(upvote_url(paper), {"action": "upvote"}, headers=HTMX)

    paper.refresh_from_db()
    assert paper.upvote_count == 1
    assert Upvote.objects.filter(user=alice, paper=paper).count() == 1
    assertContains(response, 'aria-pressed="true"')


def test_unvote_removes_the_upvote_and_offers_it_again(alice_client, alice):
    paper = PaperFactory(source_upvotes=3)
    alice_client.post(upvote_url(paper), {"action": "upvote"}, headers=HTMX)

    response = alice_client.post(upvote_url(paper), {"action": "unvote"}, headers=HTMX)

    paper.refresh_from_db()
    assert paper.upvote_count == 0
    assert not Upvote.objects.exists()
    assertContains(response, '<span class="upvote__count">3</span>', html=False)
    assertContains(response, 'name="action" value="upvote"')


def test_without_javascript_the_upvote_redirects_back_to_the_page(alice_client):
    paper = PaperFactory()

    response = alice_client.post(
        upvote_url(paper), {"action": "upvote", "next": "/day/2024-01-10/?sort=newest"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/day/2024-01-10/?sort=newest"
    paper.refresh_from_db()
    assert paper.upvote_count == 1


def test_a_next_on_another_site_is_ignored(alice_client):
    paper = PaperFactory()

    response = alice_client.post(upvote_url(paper), {"action": "upvote", "next": "https://evil.example/"})

    assert response["Location"] == paper.get_absolute_url()


def test_an_unknown_action_is_refused_and_changes_nothing(alice_client):
    paper = PaperFactory()

    response = alice_client.post(upvote_url(paper), {"action": "toggle"}, headers=HTMX)

    assert response.status_code == 400
    assert not Upvote.objects.exists()


def test_upvoting_a_missing_paper_is_a_404(alice_client):
    assert alice_client.post("/papers/999999/upvote/", {"action": "upvote"}).status_code == 404


def test_get_is_not_allowed_and_changes_nothing(alice_client):
    paper = PaperFactory()

    response = alice_client.get(upvote_url(paper), {"action": "upvote"})

    assert response.status_code == 405
    assert not Upvote.objects.exists()


def test_an_anonymous_htmx_click_is_sent_to_log_in_and_back_to_its_page(client):
    paper = PaperFactory()

    response = client.post(
        upvote_url(paper),
        {"action": "upvote"},
        headers=HTMX | {"HX-Current-URL": "http://testserver/day/2024-01-10/?sort=newest"},
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=" + quote("/day/2024-01-10/?sort=newest")
    assert not Upvote.objects.exists()


def test_an_anonymous_htmx_click_from_another_origin_returns_home_after_login(client):
    paper = PaperFactory()

    response = client.post(
        upvote_url(paper), {"action": "upvote"}, headers=HTMX | {"HX-Current-URL": "https://evil.example/x"}
    )

    assert response["HX-Redirect"] == "/accounts/login/?next=/"


def test_an_anonymous_plain_click_logs_in_and_returns_to_the_page(client, alice):
    paper = PaperFactory()

    response = client.post(upvote_url(paper), {"action": "upvote", "next": "/trending/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/trending/"
    login = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "correct horse battery staple", "next": "/trending/"},
    )
    assert login.status_code == 302
    assert login["Location"] == "/trending/"
    assert not Upvote.objects.exists()


def test_without_a_csrf_token_the_upvote_is_refused(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    paper = PaperFactory()

    plain = client.post(upvote_url(paper), {"action": "upvote"})
    htmx = client.post(upvote_url(paper), {"action": "upvote"}, headers=HTMX)

    assert plain.status_code == htmx.status_code == 403
    assert not Upvote.objects.exists()


def test_the_card_shows_the_viewers_upvote(alice_client, alice):
    paper = PaperFactory()
    Upvote.objects.create(user=alice, paper=paper)

    response = alice_client.get("/")

    assertContains(response, f'id="upvote-button-{paper.pk}" class="upvote upvote--on"')


def test_the_paper_page_has_the_upvote_button(client):
    paper = PaperFactory(source_upvotes=7)

    response = client.get(paper.get_absolute_url())

    assertContains(response, f'id="upvote-button-{paper.pk}"')
    assertContains(response, '<span class="upvote__count">7</span>')
