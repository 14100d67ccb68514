"""An import that changes a paper's upvotes from its source shows on the very next view of every page
that shows the paper, in its count and in the listing's order."""

from __future__ import annotations

import pytest

from papers.importers.records import PaperRecord
from papers.importers.upsert import import_records
from papers.models import Paper
from tests.catalogue.html import card_ids, upvote_count
from tests.serving.conftest import DAY

pytestmark = pytest.mark.django_db

PAGES = ["/", f"/day/{DAY.isoformat()}/", "/trending/"]


def reimport(paper: Paper, source_upvotes: int) -> None:
    record = PaperRecord(
        title=paper.title,
        source=Paper.Source.HF_API,
        arxiv_id=paper.arxiv_id,
        abstract=paper.abstract,
        authors=paper.authors,
        published_on=paper.published_on,
        listed_on=paper.listed_on,
        source_upvotes=source_upvotes,
    )
    report = import_records([record], origin="hf-daily-papers.json", today=DAY)
    assert report.updated == 1


@pytest.mark.parametrize("who", ["visitor", "reader"])
def test_a_reimported_count_shows_on_the_next_view(served, listed, alice_client, client, who):
    viewer = alice_client if who == "reader" else client
    last = listed[0]  # the fewest upvotes: last on the listings
    for url in [*PAGES, last.get_absolute_url()]:
        page = viewer.get(url)
        assert upvote_count(page, last) == 0
    assert card_ids(viewer.get(PAGES[0]))[-1] == last.pk

    reimport(last, source_upvotes=500)

    for url in [*PAGES, last.get_absolute_url()]:
        assert upvote_count(viewer.get(url), last) == 500, url
    for url in PAGES:
        assert card_ids(viewer.get(url))[0] == last.pk, f"{url} is not ordered by the new count"


def test_a_reimported_count_shows_in_the_feed_and_similar_papers(served, listed, alice_client):
    paper = listed[1]  # in alice's feed and similar to listed[0]
    assert upvote_count(alice_client.get("/feed/"), paper) == 1
    assert upvote_count(alice_client.get(listed[0].get_absolute_url()), paper) == 1

    reimport(paper, source_upvotes=77)

    assert upvote_count(alice_client.get("/feed/"), paper) == 77
    assert upvote_count(alice_client.get(listed[0].get_absolute_url()), paper) == 77
