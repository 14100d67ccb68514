"""A saved paper's new arXiv version, noticed by the daily fetch (recorded responses), shows on the
reader's list as "Updated to v3 on <date>" and in their digest."""

from __future__ import annotations

import datetime

import pytest
import responses
from django.utils import timezone

from papers.catalogue import sources
from papers.digest.sending import Outcome, send_digest
from papers.lists.operations import default_reading_list, reading_list_add
from papers.models import Paper, ReadingListItem
from papers.tasks import fetch_daily_papers
from tests.catalogue.html import text
from tests.digest.factories import subscribe
from tests.factories import PaperFactory
from tests.importers.paths import FIXTURES
from tests.importers.test_fetch_daily_papers import (
    ARXIV_LISTING,
    ARXIV_UPDATED,
    ARXIV_URL,
    HF_LIST,
    HF_URL,
    NEW_SUBMISSIONS,
    NEW_VERSIONS,
)

pytestmark = pytest.mark.django_db
ARXIV_EMPTY = (FIXTURES / "arxiv_api_empty.atom").read_text()


@pytest.fixture(autouse=True)
def _source_settings(settings, monkeypatch):
    settings.ARXIV_API_URL = ARXIV_URL
    settings.HF_DAILY_PAPERS_URL = HF_URL
    monkeypatch.setattr(sources, "ARXIV_REQUEST_INTERVAL_SECONDS", 0)


def fetch(updated_body: str) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as http:
        http.get(ARXIV_URL, body=ARXIV_LISTING, match=[NEW_SUBMISSIONS])
        http.get(ARXIV_URL, body=updated_body, match=[NEW_VERSIONS])
        http.get(HF_URL, body=HF_LIST)
        fetch_daily_papers.delay().get()


def test_a_saved_papers_new_version_shows_on_the_list(alice, alice_client, bob, bob_client):
    fetch(ARXIV_EMPTY)
    paper = Paper.objects.get(arxiv_id="2401.00368")
    reading_list = default_reading_list(alice)
    reading_list_add(reading_list=reading_list, paper=paper)
    # Saved in the days between the first version and the third (the recorded entries are of January 2024).
    ReadingListItem.objects.update(added_at=datetime.datetime(2024, 1, 2, tzinfo=datetime.UTC))
    assert "Updated to" not in text(alice_client.get(f"/lists/{reading_list.pk}/"))

    fetch(ARXIV_UPDATED)

    page = text(alice_client.get(f"/lists/{reading_list.pk}/"))
    assert 'Updated to v3 on <time datetime="2024-01-19">19 Jan 2024</time>' in page


def test_a_version_older_than_the_save_is_not_news(alice, alice_client):
    fetch(ARXIV_UPDATED)
    paper = Paper.objects.get(arxiv_id="2401.00368")
    reading_list = default_reading_list(alice)
    reading_list_add(reading_list=reading_list, paper=paper)

    assert "Updated to" not in text(alice_client.get(f"/lists/{reading_list.pk}/"))
    assert "v3" in text(alice_client.get(paper.get_absolute_url())), "the paper page says which version"


def test_the_digest_says_which_saved_papers_got_a_new_version_once(alice, mailoutbox):
    subscribe(alice)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    paper = PaperFactory(title="Scaling laws, revised", arxiv_version=2, arxiv_updated_on=yesterday)
    PaperFactory(title="Not saved", arxiv_version=4, arxiv_updated_on=yesterday)
    reading_list_add(reading_list=default_reading_list(alice), paper=paper)

    assert send_digest(user_id=alice.pk, period_key="day:2026-01-01") is Outcome.SENT

    [message] = mailoutbox
    assert f"Scaling laws, revised: updated to v2 on {yesterday:%-d %b %Y}" in message.body
    assert "Not saved" not in message.body
    assert message.subject == "New versions of papers you saved · Papershelf daily digest"
    html, _ = message.alternatives[0]
    assert "updated to v2 on" in html
    # The next digest does not say it again.
    assert send_digest(user_id=alice.pk, period_key="day:2026-01-02") is Outcome.NOTHING_NEW
