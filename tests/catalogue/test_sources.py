"""The arXiv and Hugging Face clients, against recorded responses (no request leaves the machine)."""

from __future__ import annotations

import datetime

import pytest
import requests
import responses
from responses import matchers

from papers.catalogue import sources
from papers.importers import Malformed, PaperRecord
from tests.importers.paths import FIXTURES

ARXIV_URL = "https://export.arxiv.org/api/query"
HF_URL = "https://huggingface.co/api/daily_papers"


@pytest.fixture(autouse=True)
def _source_settings(settings):
    settings.ARXIV_API_URL = ARXIV_URL
    settings.HF_DAILY_PAPERS_URL = HF_URL
    settings.ARXIV_CATEGORIES = ["cs.LG", "cs.AI", "cs.CL", "cs.CV", "cs.NE", "q-bio.NC"]
    settings.ARXIV_FETCH_MAX_RESULTS = 3
    settings.HTTP_TIMEOUT_SECONDS = 5.0


@pytest.fixture
def http():
    # Any request without a registered response fails, so nothing can reach the real APIs.
    with responses.RequestsMock() as mock:
        yield mock


def atom(name: str) -> str:
    return (FIXTURES / f"arxiv_api_{name}.atom").read_text()


def test_it_fetches_arxiv_papers_by_id_in_the_order_asked(http):
    http.get(
        ARXIV_URL,
        body=atom("by_id"),
        match=[matchers.query_param_matcher({"id_list": "2401.05334,2312.17653", "max_results": "2"})],
    )

    records = sources.fetch_arxiv_papers(["2401.05334v1", "2312.17653"])

    assert [record.arxiv_id for record in records] == ["2401.05334", "2312.17653"]
    assert records[0].title == "URHand: Universal Relightable Hands"
    assert records[0].categories == ["cs.CV", "cs.GR"]
    assert records[0].listed_on is None
    assert http.calls[0].request.headers["User-Agent"].startswith("Papershelf/")


def test_an_id_arxiv_answers_with_an_error_entry_is_unknown(http):
    # The recorded error is for a malformed id; arXiv answers some unknown ids the same way.
    http.get(ARXIV_URL, body=atom("error"))

    with pytest.raises(sources.UnknownArxivIds, match=r"arXiv does not know 2401\.99999") as raised:
        sources.fetch_arxiv_papers(["2401.99999"])

    assert raised.value.ids == ["2401.99999"]


def test_an_id_arxiv_answers_with_no_entry_is_unknown(http):
    http.get(ARXIV_URL, body=atom("empty"))

    with pytest.raises(sources.UnknownArxivIds, match=r"2401\.99999"):
        sources.fetch_arxiv_papers(["2401.99999"])


def test_only_the_ids_arxiv_lacks_are_named(http):
    http.get(ARXIV_URL, body=atom("by_id"))

    with pytest.raises(sources.UnknownArxivIds) as raised:
        sources.fetch_arxiv_papers(["2401.05334", "2401.99999", "2312.17653"])

    assert raised.value.ids == ["2401.99999"]


def test_a_malformed_id_is_unknown_without_asking_arxiv(http):
    with pytest.raises(sources.UnknownArxivIds, match="not-an-id"):
        sources.fetch_arxiv_papers(["2401.05334", "not-an-id"])

    assert len(http.calls) == 0


def test_it_asks_arxiv_for_the_newest_submissions_in_the_configured_categories(http):
    http.get(
        ARXIV_URL,
        body=atom("listing"),
        match=[
            matchers.query_param_matcher(
                {
                    "search_query": " OR ".join(
                        f"cat:{category}"
                        for category in ["cs.LG", "cs.AI", "cs.CL", "cs.CV", "cs.NE", "q-bio.NC"]
                    ),
                    "sortBy": "submittedDate",
                    "sortOrder": "descending",
                    "start": "0",
                    "max_results": "3",
                }
            )
        ],
    )

    items = sources.fetch_latest_arxiv_papers(listed_on=datetime.date(2024, 1, 11))

    assert [item.arxiv_id for item in items if isinstance(item, PaperRecord)] == [
        "2401.05334",
        "2401.00368",
        "2312.17653",
    ]
    assert {item.listed_on for item in items if isinstance(item, PaperRecord)} == {datetime.date(2024, 1, 11)}


def test_an_error_entry_in_a_listing_comes_back_as_malformed(http):
    http.get(ARXIV_URL, body=atom("error"))

    items = sources.fetch_latest_arxiv_papers(listed_on=datetime.date(2024, 1, 11))

    assert items == [Malformed(10, "arXiv API error: incorrect id format for 2401.9999x")]


def test_it_fetches_the_hugging_face_daily_papers(http):
    http.get(HF_URL, body=(FIXTURES / "hf_daily_papers_api.json").read_text())

    items = sources.fetch_hf_daily_papers()

    records = [item for item in items if isinstance(item, PaperRecord)]
    assert [record.arxiv_id for record in records] == ["2401.00368", "2312.17681", "2312.17276"]
    assert records[0].organization == "Microsoft"
    assert records[0].listed_on == "2024-01-02T02:31:14.000Z"


def test_it_can_ask_for_the_daily_papers_of_a_given_day(http):
    http.get(HF_URL, json=[], match=[matchers.query_param_matcher({"date": "2024-01-02"})])

    assert sources.fetch_hf_daily_papers(date=datetime.date(2024, 1, 2)) == []


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_overload_and_server_errors_are_worth_retrying(http, status):
    http.get(HF_URL, status=status)

    with pytest.raises(sources.SourceUnavailable, match=f"HTTP {status}"):
        sources.fetch_hf_daily_papers()


@pytest.mark.parametrize("error", [requests.ConnectionError("refused"), requests.Timeout("read timed out")])
def test_connection_errors_and_timeouts_are_worth_retrying(http, error):
    http.get(ARXIV_URL, body=error)

    with pytest.raises(sources.SourceUnavailable):
        sources.fetch_arxiv_papers(["2401.05334"])


def test_requests_carry_the_configured_timeout(monkeypatch):
    seen = {}

    def fake_get(url, **kwargs):
        seen.update(kwargs)
        raise requests.Timeout("slow")

    monkeypatch.setattr(sources.requests, "get", fake_get)

    with pytest.raises(sources.SourceUnavailable):
        sources.fetch_hf_daily_papers()
    assert seen["timeout"] == 5.0


def test_a_client_error_is_not_retried(http):
    http.get(HF_URL, status=404)

    with pytest.raises(sources.SourceError, match="HTTP 404") as raised:
        sources.fetch_hf_daily_papers()

    assert not isinstance(raised.value, sources.SourceUnavailable)


def test_a_response_that_is_not_an_atom_feed_is_an_error(http):
    http.get(ARXIV_URL, body="<html><body>Service temporarily unavailable</body>")

    with pytest.raises(sources.SourceError, match="not an Atom feed"):
        sources.fetch_latest_arxiv_papers(listed_on=datetime.date(2024, 1, 11))


def test_a_daily_papers_response_that_is_not_a_list_is_an_error(http):
    http.get(HF_URL, json={"error": "Invalid date"})

    with pytest.raises(sources.SourceError, match="not a Daily Papers list"):
        sources.fetch_hf_daily_papers()
