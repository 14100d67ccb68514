"""Personas for the digest tests: alice subscribes (daily, 08:00 Berlin, 5 papers), bob is a stranger."""

from __future__ import annotations

import pytest

from config.celery import app as celery_app
from tests.digest.factories import current_model_version, recommend, subscribe
from tests.factories import PaperFactory


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://papers.example.org"


@pytest.fixture
def version(db):
    return current_model_version()


@pytest.fixture
def papers(db):
    """Eight papers, "Paper 1" … "Paper 8"."""
    return [PaperFactory(title=f"Paper {n}") for n in range(1, 9)]


@pytest.fixture
def alice_subscribed(alice):
    return subscribe(alice)


@pytest.fixture
def alice_recommended(alice, papers, version):
    """Alice's feed: the eight papers in order."""
    return recommend(alice, papers, version=version)


@pytest.fixture
def like_a_worker():
    """Eager tasks that behave as on a worker: a retry runs again instead of surfacing to the caller.

    The project runs eager tasks with task_eager_propagates (errors show up in tests); a worker never
    hands a task's exception to whoever enqueued it, and that is what the retry tests need.
    """
    previous = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = previous
