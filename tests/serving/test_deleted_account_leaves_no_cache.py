"""Deleting an account leaves nothing of it in the shared cache: no key or value holds the reader's name
or the names of their lists, whichever pages they had opened."""

from __future__ import annotations

import pickle
from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.db import connection

from papers.lists.operations import reading_list_add
from papers.models import ReadingList
from tests.factories import ReadingListFactory, UserFactory
from tests.serving.conftest import DAY

pytestmark = pytest.mark.django_db

NAME = "zelda-leaves-no-trace"
LIST_NAME = "Zelda's tide-pool papers"


def cached_entries() -> Iterator[tuple[str, bytes]]:
    """Every (key, stored bytes) in this test's cache, whatever the backend."""
    cache = caches["default"]
    backend = cache.__class__.__name__
    if backend == "RedisCache":
        client = cache._cache.get_client(write=False)  # type: ignore[attr-defined]
        prefix = cache.make_key("")
        for key in client.scan_iter(match=f"{prefix}*"):
            yield key.decode(), client.get(key) or b""
    elif backend == "DatabaseCache":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cache_key, value FROM {cache._table}")  # type: ignore[attr-defined]
            for key, value in cursor.fetchall():
                yield key, str(value).encode()
    elif backend == "LocMemCache":
        for key, value in cache._cache.items():  # type: ignore[attr-defined]
            yield key, value if isinstance(value, bytes) else pickle.dumps(value)
    else:
        pytest.fail(f"cannot list the entries of a {backend}")


def readable(value: bytes) -> str:
    """The stored value, unpickled when it can be (Redis stores pickles), else as text."""
    try:
        return repr(pickle.loads(value))
    except Exception:
        return value.decode("utf-8", "replace")


def test_deleting_an_account_leaves_nothing_of_it_in_the_cache(served, listed, client):
    zelda = UserFactory(username=NAME)
    reading_list = ReadingListFactory(owner=zelda, name=LIST_NAME)
    reading_list_add(reading_list=reading_list, paper=listed[2])
    from tests.feed.corpus import recommend

    recommend(zelda, listed[1:], served)
    client.force_login(zelda)
    for url in [
        "/",
        f"/day/{DAY.isoformat()}/",
        "/trending/",
        listed[0].get_absolute_url(),
        "/feed/",
        "/lists/",
    ]:
        assert client.get(url).status_code == 200
    client.get("/search/", {"q": "attention"})

    response = client.post("/account/delete/", {"password": "correct horse battery staple"})

    assert response.status_code == 302
    assert not ReadingList.objects.filter(name=LIST_NAME).exists()
    for key, value in cached_entries():
        for secret in (NAME, LIST_NAME, LIST_NAME.replace("'", "&#x27;")):
            assert secret not in key, key
            assert secret.encode() not in value and secret not in readable(value), key
