from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from papers.models import Dismissal, Paper
from tests.catalogue.html import card_ids
from tests.factories import PaperFactory
from tests.lists.conftest import HTMX

pytestmark = pytest.mark.django_db


def test_not_interested_hides_the_paper_from_the_users_daily_page_only(alice_client, client, alice):
    hidden, kept = PaperFactory(title="Hide me"), PaperFactory(title="Keep me")

    alice_client.post(f"/papers/{hidden.pk}/dismiss/")

    assert Dismissal.objects.filter(user=alice, paper=hidden).exists()
    assert card_ids(alice_client.get("/")) == [kept.pk]
    assert sorted(card_ids(client.get("/"))) == sorted([hidden.pk, kept.pk])


def test_dismissed_papers_leave_trending_and_search_too(alice_client, alice):
    hidden, kept = PaperFactory(title="Astrocytes one"), PaperFactory(title="Astrocytes two")
    Dismissal.objects.create(user=alice, paper=hidden)

    assert card_ids(alice_client.get("/trending/")) == [kept.pk]
    assert card_ids(alice_client.get("/search/", {"q": "astrocytes"})) == [kept.pk]


def test_visible_to_excludes_only_that_users_dismissals(alice, bob):
    mine, theirs, nobodys = PaperFactory(), PaperFactory(), PaperFactory()
    Dismissal.objects.create(user=alice, paper=mine)
    Dismissal.objects.create(user=bob, paper=theirs)

    assert set(Paper.objects.visible_to(alice)) == {theirs, nobodys}


def test_an_htmx_dismissal_replaces_the_card_with_an_undo_notice(alice_client, paper):
    response = alice_client.post(f"/papers/{paper.pk}/dismiss/", headers=HTMX)

    assertTemplateUsed(response, "lists/_hidden_notice.html")
    assertContains(response, f'id="paper-card-{paper.pk}"')
    assertContains(response, "Hidden")
    assertContains(response, f'hx-post="/papers/{paper.pk}/undismiss/"')


def test_undo_from_the_notice_brings_the_card_back(alice_client, alice, paper):
    Dismissal.objects.create(user=alice, paper=paper)

    response = alice_client.post(
        f"/papers/{paper.pk}/undismiss/", headers=HTMX | {"HX-Target": f"paper-card-{paper.pk}"}
    )

    # The card alone, to swap in for the notice.
    card = f'<article class="paper-card" id="paper-card-{paper.pk}"'
    assert response.content.decode().lstrip().startswith(card)
    assert card_ids(response) == [paper.pk]
    assert not Dismissal.objects.exists()


def test_without_javascript_a_dismissal_redirects_back_with_a_message(alice_client, paper):
    response = alice_client.post(f"/papers/{paper.pk}/dismiss/", {"next": "/trending/"}, follow=True)

    assert response.redirect_chain == [("/trending/", 302)]
    assertContains(response, "Hidden: Grid cells as a metric for space.")


def test_the_hidden_page_lists_the_users_hidden_papers_with_undo(alice_client, alice, bob):
    mine, theirs = PaperFactory(title="Mine to hide"), PaperFactory(title="Bob hid this")
    Dismissal.objects.create(user=alice, paper=mine)
    Dismissal.objects.create(user=bob, paper=theirs)

    response = alice_client.get("/hidden/")

    assertContains(response, "Mine to hide")
    assertNotContains(response, "Bob hid this")
    assertContains(response, f'action="/papers/{mine.pk}/undismiss/"')


def test_the_hidden_page_is_paged(alice_client, alice, monkeypatch):
    monkeypatch.setattr("papers.feed.views.hidden.HIDDEN_PER_PAGE", 2)
    for paper in PaperFactory.create_batch(3):
        Dismissal.objects.create(user=alice, paper=paper)

    assertContains(alice_client.get("/hidden/", {"page": 2}), "Page 2 of 2")


def test_undo_on_the_hidden_page_swaps_the_row(alice_client, alice, paper):
    Dismissal.objects.create(user=alice, paper=paper)

    response = alice_client.post(
        f"/papers/{paper.pk}/undismiss/", headers=HTMX | {"HX-Target": f"hidden-paper-{paper.pk}"}
    )

    assertContains(response, f'id="hidden-paper-{paper.pk}"')
    assertContains(response, "Shown again")
    assert not Dismissal.objects.exists()


def test_undo_without_javascript_returns_to_the_hidden_page(alice_client, alice, paper):
    Dismissal.objects.create(user=alice, paper=paper)

    response = alice_client.post(f"/papers/{paper.pk}/undismiss/", {"next": "/hidden/"})

    assert response["Location"] == "/hidden/"
    assert not Dismissal.objects.exists()


def test_anonymous_visitors_cannot_dismiss(client, paper):
    response = client.post(f"/papers/{paper.pk}/dismiss/", {"next": "/"})

    assert response["Location"] == "/accounts/login/?next=/"
    assert not Dismissal.objects.exists()
