from __future__ import annotations

import os

import pytest
import redis
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.skipif(not os.environ.get("CI"), reason="CI runs on the real services")


def test_ci_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_ci_reaches_the_real_redis_broker():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert redis.Redis.from_url(settings.CELERY_BROKER_URL).ping()
