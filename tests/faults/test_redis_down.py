"""Redis down, with the cache and the broker both on it (as in CI and production): pages render, upvotes and
saves succeed, and their re-ranks wait in the PostgreSQL outbox until the broker is back.

Redis is "down" the way a crashed server is: its address refuses connections (a port nothing listens
on). The shared Redis on 6379 is never stopped; other tests and people use it.
"""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import Client
from redis.exceptions import RedisError

from papers.models import ReadingListItem, Upvote
from recommender import outbox
from recommender.models import FeedImpression, RerankRequest
from tests.factories import PaperFactory
from tests.faults.conftest import FAULTS_BROKER_URL, celery_broker
from tests.faults.processes import free_port
from tests.feed.corpus import model_version, recommend, save

pytestmark = [pytest.mark.django_db, pytest.mark.real_broker]


@pytest.fixture
def redis_down(settings):
    dead = f"redis://127.0.0.1:{free_port()}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"{dead}/1",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with pytest.raises(RedisError):
        cache.add("is-redis-really-down", 1)
    with celery_broker(f"{dead}/0"):
        yield


@pytest.fixture
def catalogue(alice):
    papers = [PaperFactory(title=f"Neural paper {n}") for n in range(6)]
    save(alice, papers[0])
    recommend(alice, papers[1:], model_version())
    return papers


def timed_post(client: Client, path: str, data: dict, capture) -> tuple[int, float]:
    started = time.monotonic()
    with capture(execute=True):  # the commit hooks run, and try to publish to the dead broker
        response = client.post(path, data)
    return response.status_code, time.monotonic() - started


def test_every_page_renders_without_redis(redis_down, catalogue, alice_client):
    paper = catalogue[1]
    anonymous = [
        "/",
        "/trending/",
        "/search/?q=neural",
        paper.get_absolute_url(),
        "/feed/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password_reset/",
    ]
    for path in anonymous:
        assert Client().get(path).status_code == 200, path
    for path in ["/", "/feed/", paper.get_absolute_url(), "/lists/", "/hidden/", "/account/"]:
        page = alice_client.get(path)
        assert page.status_code == 200, path
        assert ">alice</a>" in page.content.decode(), path


def test_search_ranks_and_highlights_without_redis(redis_down, catalogue, alice_client):
    page = alice_client.get("/search/", {"q": "neural"})

    assert page.status_code == 200
    assert page.content.decode().count('id="paper-card-') == 6
    assert "<mark>Neural</mark> paper" in page.content.decode()


def test_the_feed_still_records_what_it_showed(redis_down, catalogue, alice, alice_client):
    assert alice_client.get("/feed/").status_code == 200

    shown = set(FeedImpression.objects.filter(user=alice).values_list("paper_id", flat=True))
    assert shown == {paper.pk for paper in catalogue[1:]}


def test_upvotes_and_saves_succeed_and_their_reranks_wait_in_the_outbox(
    redis_down, catalogue, alice, alice_client, django_capture_on_commit_callbacks
):
    paper = catalogue[2]

    status, seconds = timed_post(
        alice_client, f"/papers/{paper.pk}/upvote/", {"action": "upvote"}, django_capture_on_commit_callbacks
    )
    assert status == 302 and seconds < 2
    status, seconds = timed_post(
        alice_client, f"/papers/{paper.pk}/save/", {"add": "default"}, django_capture_on_commit_callbacks
    )
    assert status == 302 and seconds < 2

    assert Upvote.objects.filter(user=alice, paper=paper).exists()
    assert ReadingListItem.objects.filter(reading_list__owner=alice, paper=paper).exists()
    assert RerankRequest.objects.filter(user=alice).exists()
    assert outbox.drain() == 0  # the broker is still down: nothing handed over, nothing lost
    assert RerankRequest.objects.filter(user=alice).exists()


def test_the_waiting_reranks_go_to_the_broker_once_it_is_back(
    redis_down, catalogue, alice, alice_client, django_capture_on_commit_callbacks, faults_redis
):
    timed_post(
        alice_client,
        f"/papers/{catalogue[3].pk}/upvote/",
        {"action": "upvote"},
        django_capture_on_commit_callbacks,
    )
    assert faults_redis.llen("celery") == 0

    with celery_broker(FAULTS_BROKER_URL):
        assert outbox.drain() == 1  # what beat's drain_rerank_outbox does every minute

    assert faults_redis.llen("celery") == 1
    # The row stays until the re-rank has run (the task deletes it), so a lost task is drained again.
    assert RerankRequest.objects.filter(user=alice).exists()


def test_sign_up_and_password_reset_still_work_with_their_rate_limits_open(
    redis_down, alice, mailoutbox, caplog
):
    signup = Client().post("/accounts/signup/", {"username": "newcomer", "email": "new@example.org"})
    assert signup.status_code == 302 and signup["Location"] == "/accounts/signup/done/"
    reset = Client().post("/accounts/password_reset/", {"email": "alice@example.org"})
    assert reset.status_code == 302 and reset["Location"] == "/accounts/password_reset/done/"

    assert [message.to for message in mailoutbox] == [["new@example.org"], ["alice@example.org"]]
    assert "not counted, the cache failed" in caplog.text


def test_logging_in_works_and_failed_logins_are_still_counted_without_redis(redis_down, alice):
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    locked = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery staple"}
    )
    assert locked.status_code == 429  # django-axes counts in the database

    other_address = Client(REMOTE_ADDR="192.0.2.7")
    response = other_address.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
