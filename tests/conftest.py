from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.test import Client

from config.celery import app as celery_app
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_cache_keys(settings):
    """A fresh key prefix per test: with Redis as the cache (CI), rate-limit counts and anything else
    cached would otherwise carry over between tests and between runs (the database cache rolls back)."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"} for name, config in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def _no_arxiv_title_lookups(settings):
    """Imports ask for papers without an arXiv id to be looked up on arXiv
    (papers/catalogue/identify.py); tests that exercise that turn it back on behind recorded responses."""
    settings.ARXIV_TITLE_LOOKUP = False


@pytest.fixture
def cache_off_the_database(settings):
    """For tests that count a page's queries. In production the shared cache is Redis; without CACHE_URL
    (the suite on SQLite) it is the database cache, where every cache read and write is a query of the
    page too, so the count would depend on the cache backend. Here it is this process's memory instead."""
    if settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"test-{uuid.uuid4().hex}",
            }
        }


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Run tasks in-process unless a test is marked `real_broker` (those talk to the real broker)."""
    if request.node.get_closest_marker("real_broker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


# Personas shared by the feature tests: alice owns things, bob is a stranger to them.
@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


@pytest.fixture
def alice_client(alice):
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(bob):
    client = Client()
    client.force_login(bob)
    return client


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE']} {db.get('NAME')}; broker: {settings.CELERY_BROKER_URL}"
