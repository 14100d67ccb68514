"""Two web processes, one that reaches the shared cache and one that cannot (Redis down for it alone),
show a reader the same state: what the reader did through one is on every page of the other."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings
from django.test import Client, override_settings

from tests.catalogue.html import card_ids, upvoted
from tests.faults.processes import free_port
from tests.serving.conftest import DAY

pytestmark = pytest.mark.django_db

PAGES = ["/", f"/day/{DAY.isoformat()}/", "/trending/", "/feed/"]


@contextmanager
def without_cache() -> Iterator[None]:
    """This "process" finds Redis down: its cache address refuses connections."""
    dead = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/1",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    with override_settings(CACHES={"default": dead}):
        yield


@contextmanager
def with_cache() -> Iterator[None]:
    """This "process" reaches the shared cache, as configured for the suite."""
    with override_settings(CACHES=django_settings.CACHES):
        yield


def state(client: Client, paper, url: str) -> dict[str, object]:
    page = client.get(url)
    assert page.status_code == 200, url
    html = page.content.decode()
    ids = card_ids(page) or [int(pk) for pk in re.findall(r'id="feed-card-(\d+)"', html)]
    return {
        "papers": ids,
        "upvoted": upvoted(page, paper) if paper.pk in ids else None,
        "saved": bool(re.search(rf'class="chip chip--on" id="save-quick-{paper.pk}"', html)),
        "lists": sorted(set(re.findall(r'<span class="save-menu__name">(.*?)</span>', html))),
    }


def everything(client: Client, paper) -> dict[str, dict[str, object]]:
    return {url: state(client, paper, url) for url in PAGES}


@pytest.mark.parametrize("acting", ["with the cache", "without the cache"])
def test_both_processes_show_what_the_reader_just_did(served, listed, alice_client, acting):
    upvoted_paper, dismissed = listed[3], listed[4]
    # Both processes have served the reader's pages once (whatever either keeps, it now has).
    with with_cache():
        before = everything(alice_client, upvoted_paper)
    with without_cache():
        assert everything(alice_client, upvoted_paper) == before
    assert dismissed.pk in before["/"]["papers"]

    with without_cache() if acting == "without the cache" else with_cache():
        assert (
            alice_client.post(f"/papers/{upvoted_paper.pk}/upvote/", {"action": "upvote"}).status_code == 302
        )
        assert alice_client.post(f"/papers/{upvoted_paper.pk}/save/", {"add": "default"}).status_code == 302
        assert alice_client.post(f"/papers/{dismissed.pk}/dismiss/").status_code == 302
        created = alice_client.post(f"/papers/{upvoted_paper.pk}/save/new-list/", {"name": "Split brains"})
        assert created.status_code == 302

    with with_cache():
        after_with = everything(alice_client, upvoted_paper)
    with without_cache():
        after_without = everything(alice_client, upvoted_paper)

    assert after_with == after_without
    home = after_with["/"]
    assert home["upvoted"] is True and home["saved"] is True
    assert dismissed.pk not in home["papers"]
    assert "Split brains" in home["lists"]
    # Saved papers leave the feed.
    assert upvoted_paper.pk not in after_with["/feed/"]["papers"]
