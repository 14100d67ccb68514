"""The daily ingestion task, against recorded arXiv and Hugging Face responses."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
import requests
import responses
from django.utils import timezone
from responses import matchers

from config.celery import app as celery_app
from papers import tasks
from papers.catalogue import sources
from papers.importers import ImportReport
from papers.models import Paper
from papers.tasks import fetch_daily_papers
from tests.importers.paths import FIXTURES

pytestmark = pytest.mark.django_db

ARXIV_URL = "https://export.arxiv.org/api/query"
HF_URL = "https://huggingface.co/api/daily_papers"
ARXIV_LISTING = (FIXTURES / "arxiv_api_listing.atom").read_text()
# The same categories sorted by lastUpdatedDate: v3 of 2401.00368 and v2 of 2312.17653 (both in the
# listing above), and v7 of 1706.03762 (not in it).
ARXIV_UPDATED = (FIXTURES / "arxiv_api_updated.atom").read_text()
HF_LIST = (FIXTURES / "hf_daily_papers_api.json").read_text()
NEW_SUBMISSIONS = matchers.query_param_matcher({"sortBy": "submittedDate"}, strict_match=False)
NEW_VERSIONS = matchers.query_param_matcher({"sortBy": "lastUpdatedDate"}, strict_match=False)


@pytest.fixture(autouse=True)
def _source_settings(settings, monkeypatch):
    settings.ARXIV_API_URL = ARXIV_URL
    settings.HF_DAILY_PAPERS_URL = HF_URL
    # The task pauses between its arXiv requests as arXiv asks; tests need not wait.
    monkeypatch.setattr(sources, "ARXIV_REQUEST_INTERVAL_SECONDS", 0)


@pytest.fixture(autouse=True)
def _retry_eagerly():
    # Eager propagation would raise celery's Retry at the first retry; without it, an eager task retries
    # in-process (countdowns are computed but not waited for) and the final outcome comes from .get().
    previous = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def http():
    # Any request without a registered response fails, so nothing can reach the real APIs.
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock_http:
        yield mock_http


def calls_to(http: responses.RequestsMock, url: str) -> int:
    return sum(1 for call in http.calls if (call.request.url or "").startswith(url))


def test_it_imports_the_newest_arxiv_papers_and_the_daily_papers(http):
    http.get(ARXIV_URL, body=ARXIV_LISTING)
    http.get(HF_URL, body=HF_LIST)

    result = fetch_daily_papers.delay().get()

    assert result == {
        "arxiv": {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0},
        # Both requests got the listing here: its papers, just imported, are unchanged.
        "arxiv_versions": {"created": 0, "updated": 0, "unchanged": 3, "rejected": 0},
        "huggingface": {"created": 2, "updated": 1, "unchanged": 0, "rejected": 0},
    }
    assert Paper.objects.count() == 5
    # On both lists: one row, with arXiv's categories and the Daily Papers upvotes and listing day.
    paper = Paper.objects.get(arxiv_id="2401.00368")
    assert (paper.source, paper.categories, paper.organization) == (
        Paper.Source.ARXIV_API,
        ["cs.CL", "cs.IR"],
        "Microsoft",
    )
    assert (paper.source_upvotes, paper.listed_on) == (72, datetime.date(2024, 1, 2))
    assert Paper.objects.get(arxiv_id="2401.05334").listed_on == timezone.localdate()
    assert Paper.objects.get(arxiv_id="2312.17276").source == Paper.Source.HF_API


def test_running_it_twice_changes_nothing(http):
    http.get(ARXIV_URL, body=ARXIV_LISTING)
    http.get(HF_URL, body=HF_LIST)
    fetch_daily_papers.delay().get()

    result = fetch_daily_papers.delay().get()

    assert result["arxiv"] == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    assert result["huggingface"] == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    assert Paper.objects.count() == 5


def test_it_records_new_versions_of_papers_already_in_the_catalogue(http):
    http.get(ARXIV_URL, body=ARXIV_LISTING, match=[NEW_SUBMISSIONS])
    http.get(ARXIV_URL, body=ARXIV_UPDATED, match=[NEW_VERSIONS])
    http.get(HF_URL, body=HF_LIST)

    result = fetch_daily_papers.delay().get()

    assert result["arxiv_versions"] == {"created": 0, "updated": 2, "unchanged": 0, "rejected": 0}
    embeddings = Paper.objects.get(arxiv_id="2401.00368")
    assert (embeddings.arxiv_version, embeddings.arxiv_updated_on) == (3, datetime.date(2024, 1, 19))
    # The listing day and the paper's own date stay those of the first version.
    assert embeddings.published_on == datetime.date(2023, 12, 31)
    larp = Paper.objects.get(arxiv_id="2312.17653")
    assert (larp.arxiv_version, larp.arxiv_updated_on) == (2, datetime.date(2024, 1, 18))
    assert larp.listed_on == timezone.localdate()
    # An old paper's new version is not a new paper.
    assert not Paper.objects.filter(arxiv_id="1706.03762").exists()
    assert Paper.objects.get(arxiv_id="2401.05334").arxiv_version == 1


def test_a_version_seen_again_or_an_older_one_changes_nothing(http):
    http.get(ARXIV_URL, body=ARXIV_UPDATED, match=[NEW_SUBMISSIONS])
    http.get(ARXIV_URL, body=ARXIV_LISTING, match=[NEW_VERSIONS])
    http.get(HF_URL, body="[]")
    fetch_daily_papers.delay().get()

    # The second run sees the listing's older versions (v2, v1) of the same papers.
    result = fetch_daily_papers.delay().get()

    larp = Paper.objects.get(arxiv_id="2312.17653")
    assert (larp.arxiv_version, larp.arxiv_updated_on) == (2, datetime.date(2024, 1, 18))
    assert Paper.objects.get(arxiv_id="2401.00368").arxiv_version == 3
    assert result["arxiv"]["updated"] == 0


def test_after_importing_it_asks_for_papers_without_an_id_to_be_looked_up(
    http, django_capture_on_commit_callbacks, monkeypatch
):
    http.get(ARXIV_URL, body=ARXIV_LISTING)
    http.get(HF_URL, body=HF_LIST)
    runs = []
    monkeypatch.setattr(tasks.identify_papers, "delay", lambda: runs.append("identify"))

    with django_capture_on_commit_callbacks(execute=True):
        fetch_daily_papers.delay().get()

    assert runs == ["identify"]


def test_a_503_is_retried_with_exponential_backoff_and_then_succeeds(http):
    http.get(ARXIV_URL, status=503)
    http.get(ARXIV_URL, status=503)
    http.get(ARXIV_URL, body=ARXIV_LISTING)
    http.get(HF_URL, body=HF_LIST)

    with mock.patch.object(fetch_daily_papers, "retry", wraps=fetch_daily_papers.retry) as retry:
        result = fetch_daily_papers.delay().get()

    assert result["arxiv"]["created"] == 3
    # Two failed tries, then the new submissions and the new versions.
    assert calls_to(http, ARXIV_URL) == 4
    countdowns = [call.kwargs["countdown"] for call in retry.call_args_list]
    # Full jitter: a random wait of up to 30 s, then up to 60 s.
    assert len(countdowns) == 2
    assert 0 <= countdowns[0] <= 30
    assert 0 <= countdowns[1] <= 60
    assert all(isinstance(call.kwargs["exc"], sources.SourceUnavailable) for call in retry.call_args_list)


def test_a_timeout_is_retried(http):
    http.get(ARXIV_URL, body=ARXIV_LISTING)
    http.get(HF_URL, body=requests.Timeout("read timed out"))
    http.get(HF_URL, body=HF_LIST)

    result = fetch_daily_papers.delay().get()

    assert result["huggingface"]["created"] == 2
    assert Paper.objects.count() == 5


def test_a_source_that_stays_down_fails_the_task_and_writes_nothing(http):
    http.get(ARXIV_URL, body=ARXIV_LISTING)
    http.get(HF_URL, status=502)

    result = fetch_daily_papers.delay()

    with pytest.raises(sources.SourceUnavailable, match="HTTP 502"):
        result.get()

    # One try and five retries, each fetching arXiv successfully first; none of it was written.
    assert calls_to(http, HF_URL) == 6
    assert not Paper.objects.exists()


def test_a_failure_while_writing_the_second_source_rolls_back_the_first(http, monkeypatch):
    http.get(ARXIV_URL, body=ARXIV_LISTING)
    http.get(HF_URL, body=HF_LIST)
    real_import_records = tasks.import_records
    written: list[ImportReport] = []

    def import_then_fail(items, **kwargs):
        if written:
            raise RuntimeError("database went away")
        written.append(real_import_records(items, **kwargs))
        return written[-1]

    monkeypatch.setattr(tasks, "import_records", import_then_fail)

    with pytest.raises(RuntimeError, match="database went away"):
        fetch_daily_papers.delay().get()

    assert written[0].created == 3
    assert not Paper.objects.exists()


def test_a_client_error_is_not_retried(http):
    http.get(ARXIV_URL, status=400)

    with pytest.raises(sources.SourceError, match="HTTP 400"):
        fetch_daily_papers.delay().get()

    assert calls_to(http, ARXIV_URL) == 1
