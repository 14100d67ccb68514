"""What imports record for discovery: author rows, code links, arXiv versions, exact dates."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from papers.importers import PaperRecord, import_file, import_records
from papers.importers.code_links import find_code_url
from papers.importers.hf_json import hf_api_records
from papers.lists.operations import reading_list_add
from papers.models import Paper, PaperAuthor, ReadingList, author_key
from tests.factories import PaperFactory, UserFactory
from tests.importers.paths import FIXTURES, HF_JSON_753

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)


def arxiv(**fields: object) -> PaperRecord:
    values: dict = {
        "title": "Learning rules for spiking networks",
        "source": Paper.Source.ARXIV_API,
        "arxiv_id": "2401.01234",
        "authors": ["Łukasz Kaiser", "Ada Lovelace"],
        "published_on": "2024-01-03T10:00:00Z",
    }
    return PaperRecord(**(values | fields))


# Authors


def test_an_import_writes_one_author_row_per_name_in_order():
    import_records([arxiv()], origin="test", today=TODAY)

    paper = Paper.objects.get()
    assert list(paper.author_links.values_list("position", "name", "key")) == [
        (0, "Łukasz Kaiser", "lukasz kaiser"),
        (1, "Ada Lovelace", "ada lovelace"),
    ]


def test_papers_by_an_author_are_one_query_whatever_the_spelling(django_assert_num_queries):
    import_records(
        [arxiv(), arxiv(arxiv_id="2401.05678", title="Other", authors=["Lukasz KAISER"])],
        origin="test",
        today=TODAY,
    )

    with django_assert_num_queries(1):
        titles = sorted(Paper.objects.by_author(author_key("Kaiser, Łukasz")).values_list("title", flat=True))

    assert titles == ["Learning rules for spiking networks", "Other"]


def test_a_longer_author_list_replaces_the_rows_and_a_reimport_adds_none():
    import_records([arxiv(authors=["Ada Lovelace"])], origin="test", today=TODAY)
    import_records([arxiv()], origin="test", today=TODAY)
    import_records([arxiv()], origin="test", today=TODAY)

    assert list(PaperAuthor.objects.values_list("name", flat=True)) == ["Łukasz Kaiser", "Ada Lovelace"]


def test_the_753_daily_papers_get_their_author_rows():
    import_file(HF_JSON_753, today=TODAY)

    names = [name for entry in json.loads(HF_JSON_753.read_text()).values() for name in entry["authors"]]
    # Two "authors" in the file are a lone ":"; nobody can look them up.
    assert PaperAuthor.objects.count() == len(names) - names.count(":")
    # Rows of papers inserted in bulk point at those papers.
    paper = Paper.objects.get(arxiv_id="2401.04088")
    assert list(paper.author_links.values_list("name", flat=True))[:2] == paper.authors[:2]


def test_a_paper_saved_with_new_names_gets_new_rows():
    paper = PaperFactory(authors=["Ada Lovelace"])

    paper.authors = ["Alan Turing", "Ada Lovelace"]
    paper.save()

    assert list(paper.author_links.values_list("key", flat=True)) == ["alan turing", "ada lovelace"]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Jürgen Schmidhuber", "jurgen schmidhuber"),
        ("Schmidhuber, Jürgen", "jurgen schmidhuber"),
        ("  Yann   LeCun ", "yann lecun"),
        ("Hinton, G. E.", "g e hinton"),
        ("张伟", "张伟"),
        ("...", ""),
    ],
)
def test_the_author_key_folds_case_accents_order_and_punctuation(name, key):
    assert author_key(name) == key


# Code links


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("Code is available at https://github.com/foo/bar.", "https://github.com/foo/bar"),
        ("see (github.com/Foo/Bar-baz.git)", "https://github.com/Foo/Bar-baz"),
        ("https://github.com/a/b/tree/main/src and more", "https://github.com/a/b"),
        ("at https://gitlab.com/group/sub/project/-/tree/main", "https://gitlab.com/group/sub/project"),
        ("weights at https://huggingface.co/meta/llama", "https://huggingface.co/meta/llama"),
        ("demo https://huggingface.co/spaces/a/demo", "https://huggingface.co/spaces/a/demo"),
        ("weights https://huggingface.co/org/m, code https://github.com/org/c", "https://github.com/org/c"),
        # Not repositories: project pages, paper pages, datasets, a user alone.
        ("page at https://miao-ai-lab.github.io/LARP/", ""),
        ("https://huggingface.co/papers/2401.01234", ""),
        ("https://huggingface.co/datasets/a/b", ""),
        ("https://github.com/foo", ""),
        ("no links here", ""),
    ],
)
def test_a_code_repository_is_found_where_the_text_names_one(text, url):
    assert find_code_url(text) == url


def test_an_import_fills_the_code_link_from_the_abstract():
    abstract = "We release our code at https://github.com/lab/spikes."
    import_records([arxiv(abstract=abstract)], origin="test", today=TODAY)

    assert Paper.objects.get().code_url == "https://github.com/lab/spikes"


def test_the_hugging_face_apis_github_repo_is_used():
    items = json.loads((FIXTURES / "hf_daily_papers_api.json").read_text())
    items[0]["paper"]["githubRepo"] = "https://github.com/microsoft/unilm"

    import_records(hf_api_records(items), origin="test", today=TODAY)

    assert Paper.objects.get(arxiv_id="2401.00368").code_url == "https://github.com/microsoft/unilm"


def test_an_unusable_code_link_is_left_out_and_the_paper_kept():
    report = import_records([arxiv(code_url="javascript:alert(1)")], origin="test", today=TODAY)

    assert report.created == 1
    assert Paper.objects.get().code_url == ""


def test_the_code_link_shows_on_the_paper_page_and_its_card(client):
    paper = PaperFactory(code_url="https://github.com/lab/spikes", title="Spiking rules")

    page = client.get(paper.get_absolute_url())
    search = client.get("/search/", {"q": "spiking"})

    for response in (page, search):
        assert b'href="https://github.com/lab/spikes" rel="noopener nofollow">Code</a>' in response.content


# Dates and versions


def test_arxiv_gives_the_publication_date_and_a_day_beats_a_year():
    import_records(
        [arxiv(published_on="2024", source=Paper.Source.USER, arxiv_id="", title="Spikes")],
        origin="test",
        today=TODAY,
    )
    paper = Paper.objects.get()
    assert (paper.published_on, paper.published_precision) == (datetime.date(2024, 1, 1), "year")

    import_records([arxiv(title="Spikes")], origin="test", today=TODAY)

    paper.refresh_from_db()
    assert (paper.published_on, paper.published_precision) == (datetime.date(2024, 1, 3), "day")


def test_a_date_after_today_is_rejected():
    report = import_records([arxiv(published_on="2026-11-23")], origin="test", today=TODAY)

    assert [rejection.reason for rejection in report.rejections] == [
        "published date 2026-11-23 is in the future (today is 2026-11-22)"
    ]


def test_papers_on_a_readers_lists_updated_since_a_day():
    reader, other = UserFactory(), UserFactory()
    saved_v2 = PaperFactory(arxiv_version=2, arxiv_updated_on=datetime.date(2024, 1, 20))
    saved_old_v2 = PaperFactory(arxiv_version=2, arxiv_updated_on=datetime.date(2023, 12, 1))
    saved_v1 = PaperFactory(arxiv_version=1, arxiv_updated_on=datetime.date(2024, 1, 21))
    not_saved = PaperFactory(arxiv_version=3, arxiv_updated_on=datetime.date(2024, 1, 22))
    saved_v3 = PaperFactory(arxiv_version=3, arxiv_updated_on=datetime.date(2024, 1, 25))
    for paper in (saved_v2, saved_old_v2, saved_v1, saved_v3):
        reading_list_add(
            reading_list=ReadingList.objects.create(owner=reader, name=f"L{paper.pk}"), paper=paper
        )
    # On two of the reader's lists, and on someone else's: once.
    reading_list_add(reading_list=ReadingList.objects.create(owner=reader, name="Twice"), paper=saved_v3)
    reading_list_add(reading_list=ReadingList.objects.create(owner=other, name="Theirs"), paper=not_saved)

    updated = list(Paper.objects.saved_and_updated_since(reader, datetime.date(2024, 1, 10)))

    assert updated == [saved_v3, saved_v2]
    assert timezone.now()  # the query needs no clock: the day is the caller's (last digest, last visit)
