from __future__ import annotations

import time

import kombu.pools
import pytest
from django.db import transaction

from config.celery import app as celery_app
from papers.lists.operations import default_reading_list, reading_list_add
from papers.lists.votes import paper_upvote
from recommender import outbox
from recommender.models import RerankRequest
from tests.factories import PaperFactory, UserFactory


def rerank_callbacks(callbacks, user):
    return [c for c in callbacks if getattr(c, "rerank_user_id", None) == user.pk]


@pytest.mark.django_db
def test_many_saves_in_one_transaction_enqueue_one_rerank(django_capture_on_commit_callbacks):
    user = UserFactory()
    papers = PaperFactory.create_batch(5)
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        reading_list = default_reading_list(user)
        for paper in papers:
            reading_list_add(reading_list=reading_list, paper=paper)
    assert len(rerank_callbacks(callbacks, user)) == 1
    assert RerankRequest.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_a_rolled_back_action_does_not_block_the_next_request(django_capture_on_commit_callbacks):
    user, paper = UserFactory(), PaperFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        paper_upvote(user=user, paper=paper)
        raise RuntimeError("the request failed after the upvote")
    assert not RerankRequest.objects.exists()

    with django_capture_on_commit_callbacks() as callbacks:
        paper_upvote(user=user, paper=paper)
    assert len(rerank_callbacks(callbacks, user)) == 1
    assert RerankRequest.objects.filter(user=user).exists()


@pytest.fixture
def unreachable_broker(monkeypatch):
    """A real broker failure: nothing listens on port 1."""
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    previous = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    celery_app.conf.task_always_eager = False
    _reset_connections()
    yield
    monkeypatch.undo()
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous
    _reset_connections()


def _reset_connections():
    # Celery and kombu cache broker connections; drop them so the next publish uses the configured URL.
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.mark.real_broker
@pytest.mark.django_db
def test_when_the_broker_is_down_the_save_succeeds_and_the_rerank_waits(
    unreachable_broker, django_capture_on_commit_callbacks
):
    user, paper = UserFactory(), PaperFactory()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        assert paper_upvote(user=user, paper=paper) is True
    assert time.monotonic() - started < 2, "a broker outage must not hold the request up"
    assert RerankRequest.objects.filter(user=user).exists()
    assert outbox.drain() == 0  # still down: nothing handed over, nothing lost
    assert RerankRequest.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_draining_runs_the_waiting_reranks_and_clears_them():
    user = UserFactory()
    outbox.request_rerank(user.pk)
    assert outbox.drain() == 1  # tasks run eagerly here
    assert not RerankRequest.objects.exists()
