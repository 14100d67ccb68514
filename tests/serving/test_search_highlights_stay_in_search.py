"""A search's highlights belong to its results: after anyone searches, every other page shows each
paper's title and the start of its abstract as they are."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.serving.conftest import DAY

pytestmark = pytest.mark.django_db


def other_pages(paper) -> list[str]:
    return ["/", f"/day/{DAY.isoformat()}/", "/trending/", paper.get_absolute_url(), "/feed/"]


def test_no_other_page_shows_a_searchs_highlights(served, listed, alice_client):
    visitor = Client()
    for client in (visitor, alice_client):
        results = client.get("/search/", {"q": "attention"})
        assert "<mark>" in results.content.decode(), "the search itself highlights its terms"

    for client in (visitor, alice_client):
        for url in other_pages(listed[0]):
            if url == "/feed/" and client is visitor:
                continue
            page = client.get(url).content.decode()
            assert "<mark>" not in page, f"{url} shows a search's highlights"
            assert "paper-card__abstract--excerpt" not in page, f"{url} shows a search's excerpt"


def test_cards_show_the_abstracts_start_after_a_search(served, listed, alice_client):
    alice_client.get("/search/", {"q": "study"})

    for url in other_pages(listed[0]):
        page = alice_client.get(url).content.decode()
        # Every card on these pages starts its abstract where the paper's abstract starts.
        assert page.count('<p class="paper-card__abstract">Transformers attend to tokens;') >= 3, url


def test_similar_papers_are_plain_after_searching_for_them(served, listed, alice_client):
    alice_client.get("/search/", {"q": "study"})

    page = alice_client.get(listed[0].get_absolute_url()).content.decode()

    similar = page[page.index('id="similar-heading"') :]
    for paper in listed[1:4]:
        assert f">{paper.title}</a>" in similar
    assert "<mark>" not in similar
