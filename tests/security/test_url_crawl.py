"""Every URL of the URL configuration, crawled as a stranger, as alice (who owns the private data) and as
bob (another user). For each:

(a) no GET changes a row: creating the visitor's own "Read later" list or settings profile, which pages
    create on first use, is the only write allowed;
(b) bob and strangers never see alice's private data (list name and description, notes, email, item ids,
    tokens), and her private list and item URLs answer bob 404 and strangers 404 or the login page;
(c) a POST without a CSRF token is refused with 403, HTMX requests included, and changes nothing;
(d) nothing answers 500, and a stranger's POST with a valid CSRF token changes none of alice's rows.

The admin is crawled anonymously (every page must send a stranger to its login) and is left out of (b).
New URLs are crawled as they are added; only the fillers of tests/security/world.py say how to fill a
path argument, by its name.
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.http import HttpResponseBase
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from papers.models import Dismissal, ListingImpression, Paper, Profile, ReadingList, ReadingListItem, Upvote
from recommender.models import FeedImpression
from tests.security.conftest import CRAWL_STATS, HTMX
from tests.security.urlconf import Route, all_routes
from tests.security.world import (
    ALICE_EMAIL,
    PAPER_PK,
    PRIVATE_ITEM_PK,
    PRIVATE_LIST_PK,
    PRIVATE_PKS,
    PRIVATE_TEXTS,
    SHARED_ITEM_PK,
    World,
)

ROUTES = all_routes()
SITE_ROUTES = [route for route in ROUTES if not route.is_admin]
ADMIN_ROUTES = [route for route in ROUTES if route.is_admin]
VISITORS = ("anonymous", "alice", "bob")

# Views that take a POST without a CSRF token on purpose, and why. Any other csrf_exempt view fails.
CSRF_EXEMPT = {
    "papers:digest_unsubscribe": "RFC 8058 one-click unsubscribe: mail clients post with no cookie and no "
    "token; the signed token in the URL is the proof",
}
# Models whose rows a GET must not change. Sessions, content types and permissions are Django's own.
UNWATCHED = {"sessions.Session", "contenttypes.ContentType", "auth.Permission"}
# What strangers post everywhere: every field name any form here reads, aimed at alice's objects.
STRANGER_POST = {
    "note": "overwritten",
    "status": "abandoned",
    "name": "Renamed by a stranger",
    "description": "overwritten",
    "item": [PRIVATE_ITEM_PK, SHARED_ITEM_PK],
    "order": [SHARED_ITEM_PK, PRIVATE_ITEM_PK],
    "direction": "down",
    "add": str(PRIVATE_LIST_PK),
    "action": "upvote",
    "ids": "2401.55555",
    "username": "alice",
    "password": "not her password",
    "email": ALICE_EMAIL,
    "next": "/",
}


def rows_written() -> int:
    """How many rows this connection has inserted, updated or deleted so far: a cheap "did anything
    change?" before the full snapshot that says what."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
        else:
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables"
            )
        return int(cursor.fetchone()[0])


Rows = dict[str, dict[Any, dict[str, Any]]]


def snapshot() -> Rows:
    """Every row of every watched model, by primary key, as {field: value}."""
    rows = {}
    for model in apps.get_models():
        if model._meta.label in UNWATCHED or model._meta.proxy or not model._meta.managed:
            continue
        fields = [field.attname for field in model._meta.concrete_fields]
        rows[model._meta.label] = {row["pk"]: row for row in model._base_manager.values("pk", *fields)}
    return rows


class WriteWatch:
    """The rows written since the last look, taking a full snapshot only when something was written."""

    def __init__(self) -> None:
        self.written = rows_written()
        self.rows: Rows = snapshot()

    def writes(self, visitor: User | None) -> list[str]:
        written = rows_written()
        if written == self.written:
            return []
        rows = snapshot()
        found = unexpected_writes(self.rows, rows, visitor)
        self.written, self.rows = rows_written(), rows
        return found


def unexpected_writes(before: Rows, after: Rows, visitor: User | None) -> list[str]:
    """The rows that changed, except a new "Read later" list or profile of the visitor's own."""
    writes = []
    for label, rows in after.items():
        old = before.get(label, {})
        for pk in rows.keys() - old.keys():
            if visitor is not None and _own_lazy_row(label, pk, visitor):
                continue
            writes.append(f"{label} {pk} created")
        writes += [f"{label} {pk} deleted" for pk in old.keys() - rows.keys()]
        for pk in rows.keys() & old.keys():
            changed = {name for name, value in rows[pk].items() if old[pk].get(name) != value}
            if changed and not _own_visit_bookkeeping(label, pk, changed, visitor):
                writes.append(f"{label} {pk} changed ({', '.join(sorted(changed))})")
    return writes


# Reading the feed records the visitor's own visit times (the issue asks for "new since last visit").
VISIT_FIELDS = frozenset({"feed_visited_at", "feed_previous_visit_at"})


def _own_visit_bookkeeping(label: str, pk: Any, changed: set[str], visitor: User | None) -> bool:
    """Only those two fields of the visitor's own profile: a GET that changed anything else there (the
    feed token, the interests) is a write like any other."""
    return (
        visitor is not None
        and label == "papers.Profile"
        and changed <= VISIT_FIELDS
        and Profile.objects.filter(pk=pk, user=visitor).exists()
    )


def _own_lazy_row(label: str, pk: Any, visitor: User) -> bool:
    if label == "papers.ReadingList":
        return ReadingList.objects.filter(pk=pk, owner=visitor, is_default=True).exists()
    if label == "papers.Profile":
        return Profile.objects.filter(pk=pk, user=visitor).exists()
    if label == "recommender.FeedImpression":
        # The feed records which papers it showed the visitor, so the digest never repeats them.
        return FeedImpression.objects.filter(pk=pk, user=visitor).exists()
    if label == "papers.ListingImpression":
        # So do the daily listings, for "unseen only" (papers.catalogue.unseen).
        return ListingImpression.objects.filter(pk=pk, user=visitor).exists()
    return False


def body(response: HttpResponseBase) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content


def sends_to_login(response: HttpResponseBase, login_path: str = "/accounts/login/") -> bool:
    location = response.get("Location", "") or response.get("HX-Redirect", "")
    return response.status_code in (200, 302) and location.startswith(login_path)


def alices_rows(alice: User) -> dict[str, list[dict[str, Any]]]:
    return {
        "user": list(User.objects.filter(pk=alice.pk).values("username", "email", "password", "is_active")),
        "profile": list(Profile.objects.filter(user=alice).values()),
        "lists": list(ReadingList.objects.filter(owner=alice).order_by("pk").values()),
        "items": list(ReadingListItem.objects.filter(reading_list__owner=alice).order_by("pk").values()),
        "upvotes": list(Upvote.objects.filter(user=alice).order_by("pk").values()),
        "dismissals": list(Dismissal.objects.filter(user=alice).order_by("pk").values()),
    }


def count(key: str, number: int = 1) -> None:
    CRAWL_STATS[key] = CRAWL_STATS.get(key, 0) + number


def test_the_crawl_finds_every_kind_of_url():
    names = {route.name for route in ROUTES}
    # A sample from each include: the site's, the accounts' (and Django's auth URLs inside it), the admin's.
    assert {"papers:daily", "papers:list_detail", "signup", "password_reset_confirm", "admin:index"} <= names
    CRAWL_STATS["URL patterns"] = len(ROUTES)
    CRAWL_STATS["admin patterns"] = len(ADMIN_ROUTES)


def test_every_path_argument_has_a_filler(world):
    """A new URL is crawled anyway, with a placeholder; this says which argument needs a real value."""
    missing = sorted(
        {
            f"{name} ({route.id})"
            for route in ROUTES
            for name, _ in route.arguments
            if name not in world.fillers
        }
    )
    assert not missing, f"Add these path arguments to the fillers of the world fixture: {missing}"


@pytest.mark.parametrize("route", SITE_ROUTES, ids=lambda route: route.id)
def test_a_get_reads_shows_nothing_private_to_others_and_never_fails(route: Route, world: World):
    problems: list[str] = []
    statuses: Counter[int] = Counter()
    for visitor in VISITORS:
        client = world.client(visitor)
        user = {"anonymous": None, "alice": world.alice, "bob": world.bob}[visitor]
        watch = WriteWatch()
        for url, arguments in route.urls(world.fillers):
            variants = [{}]
            while variants:
                headers = variants.pop()
                where = f"GET {url} as {visitor}{' (htmx)' if headers else ''}"
                try:
                    response = client.get(url, headers=headers)
                except Exception as error:  # a 500, with its reason
                    problems.append(f"{where}: raised {type(error).__name__}: {error}")
                    continue
                count("GET requests")
                if not headers and "hx-request" in response.get("Vary", "").lower():
                    variants.append(HTMX)  # the view renders fragments for htmx: check those too
                statuses[response.status_code] += 1
                if response.status_code >= 500:
                    problems.append(f"{where}: {response.status_code}")
                if visitor != "alice" and world.feed_token not in url:
                    problems += [f"{where}: {leak}" for leak in leaks(world, url, arguments, response)]
            problems += [f"GET {url} as {visitor}: {write}" for write in watch.writes(user)]
    assert not problems, "\n".join(problems)
    # The fillers reached something real: not every request can be a 404.
    assert set(statuses) - {404}, f"every request to {route.route} was a 404: fix its filler"


def leaks(world: World, url: str, arguments: dict[str, Any], response: HttpResponseBase) -> list[str]:
    """What bob or a stranger should not have been shown or let into."""
    content = body(response)
    # Not a leak when the URL itself holds it (DEBUG's 404 page repeats the path).
    found = [f"shows {text!r}" for text in PRIVATE_TEXTS if text not in url and text.encode() in content]
    found += ["shows a token" for token in world.tokens if token not in url and token.encode() in content]
    if PRIVATE_PKS & set(arguments.values()):
        refused = response.status_code in (404, 405) or (
            not response.wsgi_request.user.is_authenticated and sends_to_login(response)
        )
        if not refused:
            found.append(f"alice's private URL answered {response.status_code}")
    return found


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=lambda route: route.id)
def test_the_admin_sends_strangers_to_its_login_and_never_fails(route: Route, world: World):
    client = Client()
    watch = WriteWatch()
    for url, _ in route.urls(world.fillers):
        response = client.get(url)
        count("GET requests")
        if route.name == "admin:login":
            assert response.status_code == 200
        elif route.name == "admin:logout":
            # POST only; a stranger asking for it is sent back into the admin, which sends them to log in.
            assert response.status_code in (302, 405) and response.get("Location", "/admin/") == "/admin/"
        else:
            assert sends_to_login(response, "/admin/login/"), f"{url}: {response.status_code}"
        assert watch.writes(None) == [], url


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.id)
def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(route: Route, world: World):
    assert not route.csrf_exempt or route.name in CSRF_EXEMPT, (
        f"{route.id} is csrf_exempt: say why in CSRF_EXEMPT"
    )
    for visitor in ("anonymous", "alice"):
        client = world.client(visitor, enforce_csrf_checks=True)
        # The browser holds a CSRF cookie; a forged cross-site form cannot read it to send the token.
        client.cookies[settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()
        watch = WriteWatch()
        # The refusal comes before the view and does not depend on the arguments: one URL is enough.
        for url, _ in itertools.islice(route.urls(world.fillers), 1):
            for headers in ({}, HTMX):
                response = client.post(url, STRANGER_POST, headers=headers)
                count("POST requests")
                where = f"POST {url} as {visitor} {headers}"
                if route.csrf_exempt:
                    assert response.status_code < 500, f"{where}: {response.status_code}"
                    continue
                assert response.status_code == 403, f"{where}: {response.status_code}"
                assert b"CSRF" in response.content
            assert watch.writes(None) == [], url


@pytest.mark.parametrize("route", SITE_ROUTES, ids=lambda route: route.id)
def test_a_strangers_post_never_fails_and_leaves_alices_data_alone(route: Route, world: World):
    problems = []
    before = alices_rows(world.alice)
    for visitor in ("anonymous", "bob"):
        client = world.client(visitor)
        for url, _ in route.urls(world.fillers):
            for headers in ({}, HTMX):
                if visitor == "bob" and "_auth_user_id" not in client.session:
                    client = world.client(visitor)  # the last POST logged him out
                response = client.post(url, STRANGER_POST, headers=headers)
                count("POST requests")
                where = f"POST {url} as {visitor}{' (htmx)' if headers else ''}"
                if response.status_code >= 500:
                    problems.append(f"{where}: {response.status_code}")
                after = alices_rows(world.alice)
                if after != before:
                    problems.append(f"{where}: changed alice's data")
                    before = after
                if world.feed_token not in url:
                    content = body(response)
                    # A form may echo what the stranger typed (alice's address, say): that is no leak.
                    unposted = [text for text in PRIVATE_TEXTS if text not in repr(STRANGER_POST)]
                    problems += [f"{where}: shows {text!r}" for text in unposted if text.encode() in content]
    assert not problems, "\n".join(problems)
    assert Paper.objects.filter(pk=PAPER_PK).exists()
