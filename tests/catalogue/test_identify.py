"""Papers known only by title looked up on arXiv (papers/catalogue/identify.py), against recorded API
responses."""

from __future__ import annotations

import datetime

import pytest
import requests
import responses
from django.conf import settings
from django.core.management import call_command
from responses import matchers

from papers.catalogue import sources
from papers.models import Paper, author_key
from papers.tasks import identify_papers
from tests.factories import PaperFactory
from tests.importers.paths import FIXTURES, TODAY, seed

pytestmark = pytest.mark.django_db

ARXIV_URL = "https://export.arxiv.org/api/query"
# ti:"urhand universal relightable hands": URHand itself, and a later paper whose title holds the phrase.
URHAND = (FIXTURES / "arxiv_api_title_urhand.atom").read_text()
# Two papers titled "LARP: Language-Agent Role Play for Open-World Games".
AMBIGUOUS = (FIXTURES / "arxiv_api_title_ambiguous.atom").read_text()
# "$\lambda$-ECLIPSE: …", TeX in the title, v2, and its code named in the comment.
ECLIPSE = (FIXTURES / "arxiv_api_title_eclipse.atom").read_text()
EMPTY = (FIXTURES / "arxiv_api_empty.atom").read_text()
ECLIPSE_TITLE = (
    "λ-ECLIPSE: Multi-Concept Personalized Text-to-Image Diffusion Models by Leveraging CLIP Latent Space"
)


@pytest.fixture(autouse=True)
def _online(settings, monkeypatch):
    settings.ARXIV_API_URL = ARXIV_URL
    settings.ARXIV_TITLE_LOOKUP = True
    settings.ARXIV_TITLE_LOOKUP_BATCH = 20
    monkeypatch.setattr(sources, "ARXIV_REQUEST_INTERVAL_SECONDS", 0)


@pytest.fixture
def http():
    # A request without a registered response fails: nothing reaches the real API.
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock_http:
        yield mock_http


def title_query(words: str) -> list:
    return [matchers.query_param_matcher({"search_query": f'ti:"{words}"'}, strict_match=False)]


def captured(title: str, **fields) -> Paper:
    """A paper as a Daily Papers page capture knows it: title, abstract, an author count."""
    values = {"arxiv_id": None, "authors": [], "categories": [], "published_on": None, "listed_on": None}
    values |= {"source": Paper.Source.HF_PAGE} | fields
    return PaperFactory(title=title, **values)


def test_a_seed_paper_gets_its_arxiv_id_author_names_dates_and_links(http):
    from papers.importers import import_file

    import_file(seed("003"), today=TODAY)
    urhand = Paper.objects.get(title="URHand: Universal Relightable Hands")
    assert (urhand.arxiv_id, urhand.authors, urhand.author_count) == (None, [], 23)
    Paper.objects.exclude(pk=urhand.pk).update(
        arxiv_lookup_at=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
    )
    http.get(ARXIV_URL, body=URHAND, match=title_query("urhand universal relightable hands"))

    result = identify_papers.delay().get()

    assert result == {"identified": 1, "unmatched": 0, "duplicates": 0}
    urhand.refresh_from_db()
    assert urhand.arxiv_id == "2401.05334"
    assert urhand.arxiv_abs_url == "https://arxiv.org/abs/2401.05334"
    assert len(urhand.authors) == 23 and urhand.authors[0] == "Zhaoxi Chen"
    assert urhand.published_on == datetime.date(2024, 1, 10)
    assert urhand.categories == ["cs.CV", "cs.GR"]
    assert urhand.arxiv_version == 1
    # Its listing day is the page's, and the page's other facts stay.
    assert urhand.listed_on == datetime.date(2025, 10, 20)
    assert urhand.source == Paper.Source.HF_PAGE
    assert list(Paper.objects.by_author(author_key("Zhaoxi Chen"))) == [urhand]


def test_a_title_with_tex_on_arxiv_matches_the_text_a_capture_shows(http):
    paper = captured(ECLIPSE_TITLE, author_count=4)
    http.get(ARXIV_URL, body=ECLIPSE)

    identify_papers.delay().get()

    paper.refresh_from_db()
    assert paper.arxiv_id == "2402.05195"
    # The version arXiv describes, the day it was posted, and the code its comment names.
    assert (paper.arxiv_version, paper.arxiv_updated_on) == (2, datetime.date(2024, 4, 9))
    assert paper.published_on == datetime.date(2024, 2, 7)
    assert paper.code_url == "https://github.com/eclipse-t2i/lambda-eclipse-inference"
    assert paper.title == ECLIPSE_TITLE, "the title as the catalogue had it"


def test_two_arxiv_papers_with_the_title_leave_the_paper_as_it_was(http):
    paper = captured("LARP: Language-Agent Role Play for Open-World Games")
    http.get(ARXIV_URL, body=AMBIGUOUS)

    result = identify_papers.delay().get()

    assert result == {"identified": 0, "unmatched": 1, "duplicates": 0}
    paper.refresh_from_db()
    assert paper.arxiv_id is None and paper.authors == []
    assert paper.arxiv_lookup_at is not None


def test_a_paper_asked_about_lately_is_not_asked_again(http):
    captured("LARP: Language-Agent Role Play for Open-World Games")
    http.get(ARXIV_URL, body=AMBIGUOUS)
    identify_papers.delay().get()

    identify_papers.delay().get()

    assert len(http.calls) == 1


def test_a_match_with_another_number_of_authors_is_not_accepted(http):
    paper = captured("URHand: Universal Relightable Hands", author_count=3)
    http.get(ARXIV_URL, body=URHAND)

    identify_papers.delay().get()

    paper.refresh_from_db()
    assert paper.arxiv_id is None


def test_a_title_arxiv_does_not_know_stays_unidentified(http):
    paper = captured("A paper that only ever appeared on a web page")
    http.get(ARXIV_URL, body=EMPTY)

    assert identify_papers.delay().get()["unmatched"] == 1
    paper.refresh_from_db()
    assert paper.arxiv_id is None


def test_an_id_another_paper_already_has_is_left_for_a_person_to_merge(http):
    PaperFactory(arxiv_id="2401.05334", title="URHand (the arXiv row)")
    paper = captured("URHand: Universal Relightable Hands", author_count=23)
    http.get(ARXIV_URL, body=URHAND)

    assert identify_papers.delay().get() == {"identified": 0, "unmatched": 0, "duplicates": 1}
    paper.refresh_from_db()
    assert paper.arxiv_id is None


@pytest.mark.parametrize("failure", [requests.ConnectionError("offline"), requests.Timeout("slow")])
def test_offline_the_run_stops_at_once_and_asks_again_next_time(http, failure):
    first = captured("URHand: Universal Relightable Hands", author_count=23)
    captured("LARP: Language-Agent Role Play for Open-World Games")
    http.get(ARXIV_URL, body=failure)

    assert identify_papers.delay().get() == {"identified": 0, "unmatched": 0, "duplicates": 0}

    assert len(http.calls) == 1
    first.refresh_from_db()
    assert first.arxiv_lookup_at is None


def test_each_run_asks_about_at_most_a_batch(http, settings):
    settings.ARXIV_TITLE_LOOKUP_BATCH = 2
    for n in range(3):
        captured(f"A paper nobody put on arXiv, number {n}")
    http.get(ARXIV_URL, body=EMPTY)

    identify_papers.delay().get()

    assert len(http.calls) == 2


def test_it_asks_nothing_when_lookups_are_off(http, settings):
    settings.ARXIV_TITLE_LOOKUP = False
    captured("URHand: Universal Relightable Hands", author_count=23)

    assert identify_papers.delay().get() == {}
    assert not http.calls


def test_it_runs_hourly_from_beat():
    schedule = settings.CELERY_BEAT_SCHEDULE["identify-papers"]

    assert schedule["task"] == "papers.tasks.identify_papers"


def test_an_import_asks_for_a_run(http):
    http.get(ARXIV_URL, body=URHAND, match=title_query("urhand universal relightable hands"))
    http.get(ARXIV_URL, body=EMPTY)

    call_command("import_papers", str(seed("003")), "--today=2026-11-22", "--no-progress")

    # The command's run looked the first batch of the page's 56 papers up; URHand is on arXiv.
    assert len(http.calls) == 20
    assert Paper.objects.get(title="URHand: Universal Relightable Hands").arxiv_id == "2401.05334"


def test_an_import_can_skip_the_run(http):
    call_command("import_papers", str(seed("003")), "--today=2026-11-22", "--no-progress", "--no-identify")

    assert not http.calls
