"""One paper, many sources: matching by arXiv id or title, and merging without losing what is known."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from papers.importers import Malformed, PaperRecord, import_records
from papers.models import Paper
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)
TITLE = "Continuous Thought Machines"
SHORT_ABSTRACT = "Biological brains demonstrate complex neural activity."
LONG_ABSTRACT = (
    SHORT_ABSTRACT + " The timing and interplay between neurons is critical to how brains process."
)


def page_record(**overrides: object) -> PaperRecord:
    values: dict = {
        "title": TITLE,
        "source": Paper.Source.HF_PAGE,
        "abstract": LONG_ABSTRACT,
        "author_count": 3,
        "organization": "SakanaAI Sakana AI",
        "published_on": datetime.date(2025, 5, 8),
        "listed_on": datetime.date(2026, 1, 8),
        "source_upvotes": 2,
    }
    return PaperRecord(**(values | overrides))


def api_record(**overrides: object) -> PaperRecord:
    values: dict = {
        "title": "Continuous thought machines",
        "source": Paper.Source.ARXIV_API,
        "arxiv_id": "2505.05522",
        "abstract": SHORT_ABSTRACT,
        "authors": ["Luke Darlow", "Ciaran Regan", "Sebastian Risi", "Jeffrey Seely", "Llion Jones"],
        "categories": ["cs.LG", "cs.AI"],
        "published_on": "2025-05-08T17:56:58Z",
        "source_upvotes": 0,
    }
    return PaperRecord(**(values | overrides))


def run(*records: PaperRecord | Malformed, origin: str = "test") -> tuple[int, int, int, int]:
    report = import_records(records, origin=origin, today=TODAY)
    return report.created, report.updated, report.unchanged, report.rejected


def test_a_record_with_an_arxiv_id_fills_in_the_id_of_the_same_title():
    run(page_record())

    assert run(api_record(), origin="arxiv") == (0, 1, 0, 0)

    paper = Paper.objects.get()
    assert paper.arxiv_id == "2505.05522"
    assert paper.title == TITLE
    assert paper.imported_from == "arxiv"


def test_merging_keeps_the_longer_abstract_names_over_counts_and_known_fields():
    run(page_record())
    run(api_record())

    paper = Paper.objects.get()
    assert paper.abstract == LONG_ABSTRACT
    assert paper.authors == ["Luke Darlow", "Ciaran Regan", "Sebastian Risi", "Jeffrey Seely", "Llion Jones"]
    assert paper.author_count == 5
    assert paper.organization == "SakanaAI Sakana AI"
    assert paper.categories == ["cs.LG", "cs.AI"]
    assert paper.listed_on == datetime.date(2026, 1, 8)
    assert paper.source_upvotes == 2


def test_a_bare_author_count_never_replaces_names_and_empty_values_never_blank_known_ones():
    run(api_record())

    assert run(page_record(abstract="", organization="", published_on=None, source_upvotes=0)) == (0, 1, 0, 0)

    paper = Paper.objects.get()
    assert len(paper.authors) == paper.author_count == 5
    assert paper.abstract == SHORT_ABSTRACT
    assert paper.published_on == datetime.date(2025, 5, 8)
    assert paper.organization == ""
    assert paper.listed_on == datetime.date(2026, 1, 8)


def test_upvotes_keep_the_highest_count_and_listing_the_earliest_day():
    run(api_record(source_upvotes=12, listed_on=datetime.date(2025, 5, 9)))

    run(api_record(source_upvotes=3, listed_on=datetime.date(2025, 6, 1)))
    run(api_record(source_upvotes=40, listed_on=datetime.date(2025, 5, 12)))

    paper = Paper.objects.get()
    assert (paper.source_upvotes, paper.listed_on) == (40, datetime.date(2025, 5, 9))


def test_the_same_record_again_is_unchanged_and_not_written():
    run(api_record())
    before = Paper.objects.get().updated_at

    assert run(api_record(), origin="elsewhere") == (0, 0, 1, 0)

    paper = Paper.objects.get()
    assert paper.updated_at == before
    assert paper.imported_from == "test"


def test_two_papers_with_the_same_title_and_different_ids_stay_two_rows():
    assert run(api_record(), api_record(arxiv_id="2601.00001")) == (2, 0, 0, 0)

    # A record without an id then merges into one of them rather than making a third.
    assert run(page_record()) == (0, 1, 0, 0)
    assert Paper.objects.count() == 2


def test_a_record_without_an_id_prefers_the_row_without_an_id():
    run(api_record())
    other = PaperFactory.create(arxiv_id=None, title=TITLE, abstract="", source=Paper.Source.USER)

    run(page_record())

    other.refresh_from_db()
    assert other.abstract == LONG_ABSTRACT
    assert Paper.objects.get(arxiv_id="2505.05522").organization == ""


def test_duplicates_inside_one_batch_become_one_row():
    assert run(page_record(), api_record(), api_record(source_upvotes=9)) == (1, 2, 0, 0)

    paper = Paper.objects.get()
    assert (paper.arxiv_id, paper.source, paper.source_upvotes) == ("2505.05522", Paper.Source.HF_PAGE, 9)
    assert len(paper.authors) == 5


def test_titles_match_across_case_accents_and_punctuation():
    run(page_record(title="Régularisation: a Study of Neurons!"))

    assert run(api_record(title="regularisation a study of neurons")) == (0, 1, 0, 0)
    assert Paper.objects.get().title == "Régularisation: a Study of Neurons!"


def test_malformed_and_invalid_records_are_reported_and_skipped():
    report = import_records(
        [Malformed(3, "paper 'x' has no abstract"), api_record(arxiv_id="nope", line=7), page_record()],
        origin="feed.txt",
        today=TODAY,
    )

    assert report.created == 1
    assert [str(rejection) for rejection in report.rejections] == [
        "feed.txt:3: paper 'x' has no abstract",
        "feed.txt:7: 'nope' is not an arXiv id",
    ]
    assert Paper.objects.get().arxiv_id is None


def test_user_upvotes_are_never_touched_by_an_import():
    paper = PaperFactory.create(arxiv_id="2505.05522", title=TITLE, upvote_count=4, source_upvotes=1)

    run(api_record(source_upvotes=7))

    paper.refresh_from_db()
    assert (paper.upvote_count, paper.source_upvotes) == (4, 7)


def test_the_search_vector_is_filled_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the search vector is a PostgreSQL trigger")
    run(api_record())

    assert Paper.objects.filter(search_vector="thought").exists()
    assert Paper.objects.filter(search_vector="darlow").exists()
