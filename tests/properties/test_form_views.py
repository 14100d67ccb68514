"""Every view that takes user input, fed arbitrary values through the test client: a page, a redirect,
a 4xx or a 429, never a 500; and when the input is refused, no row changes."""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import quote

import pytest
import responses
from django.contrib.auth.models import User
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from papers.forms import ItemNoteForm, ReadingListForm
from papers.models import ReadingList, ReadingListItem, Upvote
from tests.factories import PaperFactory
from tests.properties.conftest import rolled_back

pytestmark = pytest.mark.django_db

_addresses = itertools.count(1)
texts = st.text(max_size=300)
# Every run tries digits int() refuses ("¹", which str.isdigit takes) and ids a bigint cannot hold.
values = (
    texts
    | st.integers(-(2**70), 2**70).map(str)
    | st.sampled_from(["", "default", "up", "read", "upvote", "¹", "²3", "٣", str(2**63)])
)
HTMX = st.sampled_from([{}, {"HX-Request": "true"}])


def stranger() -> Client:
    """A client from an address of its own, so the per-address rate limits never mask what is tested."""
    number = next(_addresses)
    return Client(REMOTE_ADDR=f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}")


def answers_to(sent: str, answers: tuple[int, ...]) -> tuple[int, ...]:
    """`answers`, or only 400 when `sent` holds a NUL: papers.middleware.RefuseNulMiddleware refuses it
    before any view."""
    return (400,) if "\x00" in sent else answers


def no_server_error(response: Any) -> None:
    assert response.status_code < 500, response.content[:500]


@pytest.fixture
def world(alice) -> dict[str, Any]:
    paper = PaperFactory(title="Grid cells")
    reading_list = ReadingList.objects.create(owner=alice, name="Navigation", description="Where am I")
    other_list = ReadingList.objects.create(owner=alice, name="Other")
    item = ReadingListItem.objects.create(reading_list=reading_list, paper=paper, note="original note")
    ReadingListItem.objects.create(reading_list=other_list, paper=PaperFactory(title="Elsewhere"))
    client = Client()
    client.force_login(alice)
    return {"client": client, "paper": paper, "list": reading_list, "other": other_list, "item": item}


def rows() -> tuple[Any, ...]:
    return (
        list(ReadingList.objects.order_by("pk").values()),
        list(ReadingListItem.objects.order_by("pk").values()),
        list(Upvote.objects.order_by("pk").values()),
    )


@given(note=st.text(max_size=5200) | st.text(min_size=4990, max_size=5010), headers=HTMX)
def test_a_note_is_saved_as_the_form_cleans_it_or_refused_and_left_alone(world, note, headers):
    item = world["item"]
    form = ItemNoteForm({"note": note})
    with rolled_back():
        response = world["client"].post(f"/lists/items/{item.pk}/note/", {"note": note}, headers=headers)
        no_server_error(response)
        item.refresh_from_db()
        assert item.note == (form.cleaned_data["note"] if form.is_valid() else "original note")


@given(status=values, headers=HTMX)
def test_an_unknown_status_is_a_400_and_changes_nothing(world, status, headers):
    with rolled_back():
        before = rows()
        response = world["client"].post(
            f"/lists/items/{world['item'].pk}/status/", {"status": status}, headers=headers
        )
        no_server_error(response)
        if status not in ReadingListItem.Status.values:
            assert response.status_code == 400 and rows() == before


@given(name=texts, description=st.text(max_size=1100))
def test_creating_a_list_creates_one_or_shows_why_not(world, alice, name, description):
    valid = ReadingListForm({"name": name, "description": description}, owner=alice).is_valid()
    with rolled_back():
        before = ReadingList.objects.count()
        response = world["client"].post("/lists/new/", {"name": name, "description": description})
        no_server_error(response)
        created = ReadingList.objects.count() - before
        assert created == (1 if response.status_code == 302 else 0)
        assert created <= valid


@given(name=texts, description=st.text(max_size=1100))
def test_renaming_a_list_renames_it_or_leaves_it_as_it_was(world, name, description):
    reading_list = world["list"]
    with rolled_back():
        response = world["client"].post(
            f"/lists/{reading_list.pk}/edit/", {"name": name, "description": description}
        )
        no_server_error(response)
        reading_list.refresh_from_db()
        if response.status_code != 302:
            assert (reading_list.name, reading_list.description) == ("Navigation", "Where am I")


@given(name=texts, headers=HTMX)
def test_a_new_list_from_a_save_control(world, name, headers):
    with rolled_back():
        before = ReadingList.objects.count()
        response = world["client"].post(
            f"/papers/{world['paper'].pk}/save/new-list/", {"name": name}, headers=headers
        )
        no_server_error(response)
        assert ReadingList.objects.count() - before in (0, 1)


@given(
    data=st.lists(
        st.tuples(st.sampled_from(["add", "remove", "action", "menu", "next"]), values), max_size=5
    ),
    headers=HTMX,
)
def test_saving_and_upvoting_with_arbitrary_fields(world, data, headers):
    with rolled_back():
        for url in (f"/papers/{world['paper'].pk}/save/", f"/papers/{world['paper'].pk}/upvote/"):
            no_server_error(world["client"].post(url, dict(data), headers=headers))


@given(
    data=st.lists(st.tuples(st.sampled_from(["order", "item", "direction"]), values), max_size=6),
    remove=st.lists(values, max_size=4),
    headers=HTMX,
)
def test_reordering_and_removing_with_arbitrary_ids_never_touches_another_list(world, data, remove, headers):
    other = world["other"]
    with rolled_back():
        before = list(other.items.values())
        client, pk = world["client"], world["list"].pk
        no_server_error(client.post(f"/lists/{pk}/reorder/", _multi(data), headers=headers))
        no_server_error(client.post(f"/lists/{pk}/remove/", {"item": remove}, headers=headers))
        assert list(other.items.values()) == before


@given(ids=st.text(max_size=2000))
def test_an_import_of_arbitrary_text_adds_papers_or_explains_and_adds_nothing(world, ids):
    with rolled_back(), responses.RequestsMock(assert_all_requests_are_fired=False):
        before = ReadingListItem.objects.count()
        response = world["client"].post(f"/lists/{world['list'].pk}/import/", {"ids": ids})
        no_server_error(response)
        if b'role="alert"' in response.content:
            assert ReadingListItem.objects.count() == before


@given(username=texts, email=texts | st.emails())
def test_signing_up_with_anything_creates_no_account(alice, username, email):
    with rolled_back():
        no_server_error(stranger().post("/accounts/signup/", {"username": username, "email": email}))
        assert list(User.objects.values_list("username", flat=True)) == ["alice"]


@given(token=texts, password=texts)
def test_an_arbitrary_sign_up_link_creates_no_account(alice, token, password):
    with rolled_back():
        path = f"/accounts/signup/confirm/{quote(token, safe='')}/"
        client = stranger()
        answers = [
            (token, client.get(path)),
            (token + password, client.post(path, {"new_password1": password, "new_password2": password})),
        ]
        for sent, response in answers:
            assert response.status_code in answers_to(sent, (200, 404))
        assert User.objects.count() == 1


@given(username=texts, password=texts)
def test_logging_in_with_anything_is_a_page_or_a_lockout(alice, username, password):
    with rolled_back():
        response = stranger().post("/accounts/login/", {"username": username, "password": password})
        assert response.status_code in answers_to(username + password, (200, 302, 429))


@given(email=texts | st.emails())
def test_asking_for_a_password_reset_with_anything(alice, email):
    with rolled_back():
        before = list(User.objects.values())
        response = stranger().post("/accounts/password_reset/", {"email": email})
        assert response.status_code in answers_to(email, (200, 302, 429))
        assert list(User.objects.values()) == before


@given(
    params=st.dictionaries(
        st.sampled_from(["q", "page", "sort", "status", "offset", "shown"]), values, max_size=4
    ),
    headers=HTMX,
)
def test_listing_pages_take_any_query_string(world, params, headers):
    client = world["client"]
    for url in ("/", "/search/", "/trending/", f"/lists/{world['list'].pk}/", "/hidden/", "/lists/"):
        no_server_error(client.get(url, params, headers=headers))


def _multi(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for key, value in pairs:
        data.setdefault(key, []).append(value)
    return data
