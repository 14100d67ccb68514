"""Every list and item endpoint, as the owner, as another user, anonymously, and without a CSRF token.

Another user's list or item is a 404 exactly like a missing one, so its existence does not leak.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from papers.models import Dismissal, ReadingList, ReadingListItem, Upvote
from tests.lists.conftest import HTMX

pytestmark = pytest.mark.django_db

# (method, url template, data); {list} and {item} are alice's, {paper} any paper.
OWNED_PAGES = [
    ("get", "/lists/{list}/", {}),
    ("get", "/lists/{list}/edit/", {}),
    ("get", "/lists/{list}/delete/", {}),
]
OWNED_ACTIONS = [
    ("post", "/lists/{list}/edit/", {"name": "Renamed"}),
    ("post", "/lists/{list}/delete/", {}),
    ("post", "/lists/{list}/share/", {}),
    ("post", "/lists/{list}/unshare/", {}),
    ("post", "/lists/{list}/reorder/", {"item": "{item}", "direction": "down"}),
    ("post", "/lists/{list}/remove/", {"item": "{item}"}),
    ("post", "/lists/items/{item}/status/", {"status": "read"}),
    ("post", "/lists/items/{item}/note/", {"note": "changed"}),
    ("post", "/papers/{paper}/save/", {"add": "{list}"}),
    ("post", "/papers/{paper}/save/", {"remove": "{list}"}),
]
PAPER_ACTIONS = [
    ("post", "/papers/{paper}/upvote/", {"action": "upvote"}),
    ("post", "/papers/{paper}/save/", {"add": "default"}),
    ("post", "/papers/{paper}/save/new-list/", {"name": "Fresh"}),
    ("post", "/papers/{paper}/dismiss/", {}),
    ("post", "/papers/{paper}/undismiss/", {}),
]
USER_PAGES = [
    ("get", "/lists/", {}),
    ("get", "/lists/new/", {}),
    ("get", "/hidden/", {}),
    ("get", "/papers/{paper}/save/", {}),
]
POST_ONLY = sorted(
    {url for method, url, _ in OWNED_ACTIONS + PAPER_ACTIONS if method == "post"}
    - {"/lists/{list}/edit/", "/lists/{list}/delete/", "/papers/{paper}/save/"}
)


@pytest.fixture
def ids(alices_item):
    return {"list": alices_item.reading_list_id, "item": alices_item.pk, "paper": alices_item.paper_id}


def fill(template, ids):
    return template.format(**ids)


def request(client, method, url, data, ids, **extra):
    data = {key: fill(value, ids) for key, value in data.items()}
    return getattr(client, method)(fill(url, ids), data, **extra)


def snapshot():
    """Everything the endpoints could change."""
    return (
        list(ReadingList.objects.order_by("pk").values()),
        list(ReadingListItem.objects.order_by("pk").values()),
        list(Upvote.objects.order_by("pk").values("user", "paper")),
        list(Dismissal.objects.order_by("pk").values("user", "paper")),
    )


def case_id(case):
    method, url, data = case
    return f"{method.upper()} {url} {' '.join(data)}".strip()


@pytest.mark.parametrize("case", OWNED_PAGES + OWNED_ACTIONS, ids=case_id)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_another_user_gets_404_and_changes_nothing(bob_client, ids, case, headers):
    before = snapshot()

    response = request(bob_client, *case, ids, headers=headers)

    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("case", OWNED_PAGES + OWNED_ACTIONS, ids=case_id)
def test_the_owner_is_served(alice_client, ids, case):
    response = request(alice_client, *case, ids)

    assert response.status_code in (200, 302)


@pytest.mark.parametrize("case", OWNED_PAGES + USER_PAGES, ids=case_id)
def test_anonymous_visitors_are_sent_to_log_in_from_pages(client, ids, case):
    before = snapshot()

    response = request(client, *case, ids)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=" + quote(fill(case[1], ids))
    assert snapshot() == before


@pytest.mark.parametrize("case", OWNED_ACTIONS + PAPER_ACTIONS, ids=case_id)
def test_anonymous_actions_are_sent_to_log_in_and_change_nothing(client, ids, case):
    before = snapshot()

    plain = request(client, *case, ids)
    htmx = request(client, *case, ids, headers=HTMX | {"HX-Current-URL": "http://testserver/trending/"})

    assert plain.status_code == 302
    assert plain["Location"].startswith("/accounts/login/?next=")
    assert htmx["HX-Redirect"] == "/accounts/login/?next=/trending/"
    assert snapshot() == before


@pytest.mark.parametrize("case", OWNED_ACTIONS + PAPER_ACTIONS, ids=case_id)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_actions_without_a_csrf_token_are_refused(alice, ids, case, headers):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    before = snapshot()

    response = request(client, *case, ids, headers=headers)

    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("url", POST_ONLY)
def test_get_on_a_post_only_endpoint_is_405_and_changes_nothing(alice_client, ids, url):
    before = snapshot()

    response = alice_client.get(fill(url, ids))

    assert response.status_code == 405
    assert snapshot() == before


def test_a_shared_page_with_a_bad_token_is_404_for_everyone(client, bob_client, alice_client, alices_list):
    alices_list.share_token = "real-token"
    alices_list.save()

    for visitor in (client, bob_client, alice_client):
        assert visitor.get("/shared/not-the-token/").status_code == 404


def test_another_users_shared_list_is_readable_by_link_but_not_by_id(bob_client, alices_list):
    alices_list.share_token = "real-token"
    alices_list.save()

    assert bob_client.get("/shared/real-token/").status_code == 200
    assert bob_client.get(f"/lists/{alices_list.pk}/").status_code == 404
