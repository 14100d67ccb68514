"""Papers whose date nobody knows: never "new", never on a day, still found, and said to be undated."""

from __future__ import annotations

import datetime

import feedparser
import pytest
from pytest_django.asserts import assertContains, assertNotContains

from papers.models import Paper
from tests.catalogue.html import card_ids
from tests.factories import PaperFactory
from tests.feed.corpus import model_version, recommend
from tests.feed.html import feed_card_ids

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 1, 10)


def undated(**fields) -> Paper:
    values = {"arxiv_id": None, "authors": [], "author_count": 8, "published_on": None, "listed_on": None}
    return PaperFactory(**(values | {"source": Paper.Source.HF_PAGE} | fields))


def test_the_home_page_opens_on_the_newest_dated_day_without_undated_papers(client):
    dated = PaperFactory(listed_on=DAY, title="A dated paper")
    hidden = undated(title="Toy Models of Superposition")

    response = client.get("/")

    assert card_ids(response) == [dated.pk]
    assertNotContains(response, hidden.title)


def test_an_undated_catalogue_opens_on_no_day_at_all(client):
    undated(title="Toy Models of Superposition")

    response = client.get("/")

    assert response.status_code == 200
    assert card_ids(response) == []


def test_trending_leaves_undated_papers_out(client):
    dated = PaperFactory(listed_on=DAY, source_upvotes=1)
    undated(source_upvotes=1000)

    assert card_ids(client.get("/trending/")) == [dated.pk]


def test_search_finds_undated_papers_and_their_cards_say_the_date_is_unknown(client):
    paper = undated(title="Toy Models of Superposition")

    response = client.get("/search/", {"q": "superposition"})

    assert card_ids(response) == [paper.pk]
    assertContains(response, "<span>date unknown</span>")


def test_a_card_shows_the_papers_own_date_when_it_has_no_listing_day(client):
    paper = undated(title="Sparse superposition", published_on=datetime.date(2022, 9, 21))

    response = client.get("/search/", {"q": "superposition"})

    assert card_ids(response) == [paper.pk]
    assertContains(response, '<time datetime="2022-09-21">21 Sep 2022</time>')


def test_the_paper_page_says_the_date_is_unknown_and_names_its_source_not_a_file(client):
    paper = undated(
        title="Toy Models of Superposition", imported_from="../shared/seeds/002_5c0671788d45ae74.txt"
    )

    response = client.get(paper.get_absolute_url())

    assertContains(response, "<dt>Date</dt><dd>unknown</dd>", html=False)
    assertContains(response, "<dd>Hugging Face Daily Papers</dd>")
    assertNotContains(response, "../shared")
    assertNotContains(response, ".txt")


@pytest.mark.parametrize(
    ("source", "label"),
    [
        (Paper.Source.HF_JSON, "Hugging Face Daily Papers"),
        (Paper.Source.HF_API, "Hugging Face Daily Papers"),
        (Paper.Source.ARXIV_API, "arXiv"),
        (Paper.Source.ARXIV_JSONL, "arXiv"),
        (Paper.Source.USER, "Added by a reader"),
    ],
)
def test_the_paper_page_names_each_source_as_a_reader_would(client, source, label):
    paper = PaperFactory(source=source, imported_from="/srv/data/arxiv_cs_abstracts_75k.jsonl.gz")

    response = client.get(paper.get_absolute_url())

    assertContains(response, f"<dd>{label}</dd>")
    assertNotContains(response, "/srv/data")


def test_a_year_only_date_is_shown_as_a_year(client):
    paper = undated(published_on=datetime.date(1984, 1, 1), published_precision="year", title="The TeXbook")

    response = client.get(paper.get_absolute_url())

    assertContains(response, '<time datetime="1984-01-01">1984</time>')
    assertNotContains(response, "1 January 1984")


def test_undated_papers_are_never_new_in_the_feed(alice_client, alice):
    dated = PaperFactory(listed_on=datetime.date.today() - datetime.timedelta(days=1))
    old = undated(title="Toy Models of Superposition")
    recommend(alice, [old, dated], model_version())

    response = alice_client.get("/feed/")

    # Ranked first, but only the dated paper counts as new since the last visit.
    assert feed_card_ids(response) == [dated.pk, old.pk]
    assert [entry.is_new for entry in response.context["page"].entries] == [True, False]


def test_exports_and_feeds_of_undated_papers_work(client, alice):
    from papers.lists.operations import reading_list_add
    from papers.models import ReadingList

    paper = undated(title="Toy Models of Superposition")
    reading_list = ReadingList.objects.create(owner=alice, name="Undated")
    reading_list_add(reading_list=reading_list, paper=paper)
    client.force_login(alice)

    for extension in ("bib", "ris", "json", "md"):
        response = client.get(f"/lists/{reading_list.pk}/export.{extension}")
        assert response.status_code == 200
        assert b"Toy Models of Superposition" in response.content
    ReadingList.objects.filter(pk=reading_list.pk).update(share_token="undated-list")
    feed = feedparser.parse(client.get("/shared/undated-list/feed.atom").content)
    assert [entry.title for entry in feed.entries] == ["Toy Models of Superposition"]
    assert not feed.bozo
    daily = feedparser.parse(client.get("/feeds/daily.atom").content)
    assert daily.entries == [] and not daily.bozo
