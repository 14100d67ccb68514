"""The search page by meaning, and "only papers in my lists", with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from papers.catalogue.embeddings import embed_missing
from papers.models import Dismissal
from tests.catalogue.html import card_ids, text
from tests.factories import PaperFactory, ReadingListFactory, ReadingListItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    papers = {
        "spiking": PaperFactory(
            title="Spiking neural networks on neuromorphic chips",
            abstract="Event-driven neurons that emit spikes, run on low-power neuromorphic hardware.",
        ),
        "protein": PaperFactory(
            title="Protein folding with deep learning",
            abstract="Predicting the three-dimensional structure of proteins from amino acid sequences.",
        ),
        "galaxy": PaperFactory(
            title="Galaxy rotation curves",
            abstract="Dark matter halos explain how fast stars orbit the centres of galaxies.",
        ),
    }
    embed_missing()
    return papers


def test_by_meaning_the_closest_paper_comes_first_without_sharing_a_word(client, catalogue):
    response = client.get("/search/", {"q": "brain-inspired computer hardware", "mode": "meaning"})

    assert response.status_code == 200
    assert card_ids(response)[0] == catalogue["spiking"].pk
    assertContains(response, "closest in meaning to “brain-inspired computer hardware”")


def test_the_same_words_by_keyword_find_nothing(client, catalogue):
    response = client.get("/search/", {"q": "brain-inspired computer hardware"})

    assert card_ids(response) == []


def test_the_options_belong_to_the_header_form_so_they_work_without_javascript(client, catalogue):
    page = text(client.get("/search/", {"q": "stars", "mode": "meaning"}))

    assert re.search(r'<form class="site-search" id="site-search"[^>]*action="/search/"', page)
    assert re.search(r'<input type="radio" name="mode" value="meaning" form="site-search" checked>', page)
    assert re.search(r'<input type="radio" name="mode" value="words" form="site-search">', page)
    assert re.search(r'<button[^>]*form="site-search"', page)


def test_with_htmx_only_the_results_come_back(client, catalogue):
    response = client.get(
        "/search/",
        {"q": "astronomy", "mode": "meaning"},
        headers={"HX-Request": "true", "HX-Target": "search-results"},
    )

    assert card_ids(response)[0] == catalogue["galaxy"].pk
    assertNotContains(response, "<html")


def test_in_my_lists_only_the_readers_papers_are_searched(alice, alice_client, catalogue):
    reading_list = ReadingListFactory(owner=alice)
    ReadingListItemFactory(reading_list=reading_list, paper=catalogue["protein"])
    ReadingListItemFactory(reading_list=reading_list, paper=catalogue["galaxy"])
    others = ReadingListFactory()
    ReadingListItemFactory(reading_list=others, paper=catalogue["spiking"])

    by_meaning = alice_client.get("/search/", {"q": "neuromorphic", "mode": "meaning", "within": "lists"})
    by_words = alice_client.get("/search/", {"q": "proteins", "within": "lists"})
    not_mine = alice_client.get("/search/", {"q": "neuromorphic", "within": "lists"})

    assert sorted(card_ids(by_meaning)) == sorted([catalogue["protein"].pk, catalogue["galaxy"].pk])
    assertContains(by_meaning, "in your lists closest in meaning")
    assert card_ids(by_words) == [catalogue["protein"].pk]
    assert card_ids(not_mine) == []
    assertContains(not_mine, "No paper in your lists matches “neuromorphic”")


def test_in_my_lists_asks_a_visitor_to_log_in(client, catalogue):
    response = client.get("/search/", {"q": "stars", "within": "lists"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_dismissed_paper_stays_hidden_by_meaning_too(alice, alice_client, catalogue):
    Dismissal.objects.create(user=alice, paper=catalogue["galaxy"])

    response = alice_client.get("/search/", {"q": "astronomy", "mode": "meaning"})

    assert catalogue["galaxy"].pk not in card_ids(response)


@pytest.mark.parametrize("params", [{"mode": "vibes"}, {"within": "everything"}])
def test_an_unknown_option_is_a_clear_400(client, params):
    response = client.get("/search/", {"q": "stars", **params})

    assert response.status_code == 400
    assert "Search by words or by meaning." in text(response) or "Search all papers or your lists." in text(
        response
    )
