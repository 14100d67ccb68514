"""config.cache.RedisCache on the real Redis: `set_many` keeps Django's meaning (every entry stored, each
with its expiry; none kept forever by accident, none kept at all with a timeout of 0)."""

from __future__ import annotations

import os
import uuid

import pytest

from config.cache import RedisCache


@pytest.fixture
def redis_cache():
    url = os.environ.get("CACHE_URL", "")
    location = url if url.startswith("redis://") else "redis://127.0.0.1:6379/1"
    cache = RedisCache(location, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield cache
    cache.delete_many(["a", "b", "c"])


def ttl(cache: RedisCache, key: str) -> int:
    return cache._cache.get_client(write=True).ttl(cache.make_key(key))


def test_set_many_stores_every_entry_with_its_expiry(redis_cache):
    redis_cache.set_many({"a": {"card": "<article>"}, "b": [1, 2, 3], "c": 7}, timeout=300)

    assert redis_cache.get_many(["a", "b", "c"]) == {"a": {"card": "<article>"}, "b": [1, 2, 3], "c": 7}
    assert all(290 <= ttl(redis_cache, key) <= 300 for key in "abc")


def test_set_many_without_a_timeout_keeps_the_entries(redis_cache):
    redis_cache.set_many({"a": 1, "b": 2}, timeout=None)

    assert redis_cache.get_many(["a", "b"]) == {"a": 1, "b": 2}
    assert ttl(redis_cache, "a") == ttl(redis_cache, "b") == -1  # no expiry


def test_set_many_with_a_zero_timeout_removes_the_entries(redis_cache):
    redis_cache.set_many({"a": 1, "b": 2}, timeout=60)

    redis_cache.set_many({"a": 3, "b": 4}, timeout=0)

    assert redis_cache.get_many(["a", "b"]) == {}
