from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import kombu.pools
import pytest
import redis

from config.celery import app as celery_app

# A Redis database of these tests' own: they empty it, so it must be one nothing else uses
# (CI's broker and cache are 0 and 1).
FAULTS_BROKER_URL = "redis://127.0.0.1:6379/7"


def _reset_broker_connections() -> None:
    # Celery and kombu cache broker connections; drop them so the next publish uses the configured URL.
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextlib.contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Tasks are published to the broker at `url` (not run eagerly) until the block ends."""
    saved_env = os.environ.get("CELERY_BROKER_URL")
    saved_conf = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    os.environ["CELERY_BROKER_URL"] = url
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = url, False
    _reset_broker_connections()
    try:
        yield
    finally:
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved_conf
        _reset_broker_connections()


@pytest.fixture
def faults_redis() -> Iterator[redis.Redis]:
    """The Redis database of these tests, emptied before and after."""
    client = redis.Redis.from_url(FAULTS_BROKER_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379 (CI always has it)")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def redis_broker(faults_redis) -> Iterator[redis.Redis]:
    """Tasks go to a real Redis broker (an empty database of our own), not run eagerly."""
    with celery_broker(FAULTS_BROKER_URL):
        yield faults_redis
