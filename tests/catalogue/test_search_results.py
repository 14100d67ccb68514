"""Search results (papers/catalogue/search_results.py) always follow the catalogue: a new or edited paper
is found at once, counts are current, and one reader's dismissals hide nothing from another."""

from __future__ import annotations

import re

import pytest

from papers.importers.records import PaperRecord
from papers.importers.upsert import import_records
from papers.lists.votes import paper_dismiss, paper_upvote
from papers.models import Paper
from tests.catalogue.html import card_ids, text, upvote_count
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

# How ranking and highlighting show in the SQL on each engine (SQLite highlights in Python).
_RANKING = re.compile(r"ts_rank|ts_headline|LIKE", re.IGNORECASE)


def search(client, query: str, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return response


def test_a_paper_imported_after_a_search_is_found_by_the_same_search(client):
    known = PaperFactory(title="Grid cells in the entorhinal cortex")
    assert card_ids(search(client, "grid cells")) == [known.pk]

    record = PaperRecord(
        title="Grid cells without a map", source=Paper.Source.ARXIV_API, arxiv_id="2402.00001"
    )
    assert import_records([record], origin="test").created == 1
    imported = Paper.objects.get(arxiv_id="2402.00001")

    assert set(card_ids(search(client, "grid cells"))) == {known.pk, imported.pk}


def test_a_longer_abstract_from_a_reimport_is_searched(client):
    paper = PaperFactory(arxiv_id="2402.00002", title="Navigation", abstract="Short.")
    assert card_ids(search(client, "hippocampal replay")) == []

    record = PaperRecord(
        title="Navigation",
        source=Paper.Source.ARXIV_API,
        arxiv_id="2402.00002",
        abstract="A much longer abstract about hippocampal replay during sleep and rest.",
    )
    assert import_records([record], origin="test").updated == 1

    assert card_ids(search(client, "hippocampal replay")) == [paper.pk]


def test_an_edited_title_is_found_and_highlighted_anew(client):
    paper = PaperFactory(title="Grid cells")
    search(client, "grid")
    paper.title = "Grid and border cells"
    paper.save()

    page = search(client, "border")

    assert card_ids(page) == [paper.pk]
    assert "<mark>border</mark>" in text(page).lower()
    assert "and <mark>border</mark> cells" in text(search(client, "border")).lower()


def test_a_dismissed_paper_leaves_only_that_readers_results(alice, alice_client, bob_client):
    hidden, kept = PaperFactory(title="Grid cells one"), PaperFactory(title="Grid cells two")
    search(bob_client, "grid cells")  # the ranking is stored with both

    paper_dismiss(user=alice, paper=hidden)

    assert card_ids(search(alice_client, "grid cells")) == [kept.pk]
    assert set(card_ids(search(bob_client, "grid cells"))) == {hidden.pk, kept.pk}


def test_counts_on_a_shared_ranking_are_current(bob, alice_client):
    paper = PaperFactory(title="Grid cells")
    before = upvote_count(search(alice_client, "grid cells"), paper)

    paper_upvote(user=bob, paper=paper)

    assert upvote_count(search(alice_client, "grid cells"), paper) == before + 1


def test_pages_of_a_shared_ranking(client):
    for n in range(35):
        PaperFactory(title=f"Grid cells study {n}")
    first = search(client, "grid cells")

    second = search(client, "grid cells", page=2)
    beyond = search(client, "grid cells", page=99)
    malformed = search(client, "grid cells", page="two")

    assert len(card_ids(first)) == 30 and len(card_ids(second)) == 5
    assert not set(card_ids(first)) & set(card_ids(second))
    assert card_ids(beyond) == card_ids(second), "a page past the end shows the last one"
    assert card_ids(malformed) == card_ids(first)
