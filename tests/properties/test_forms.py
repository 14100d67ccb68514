"""Every form with arbitrary data: valid, or invalid with field errors; never an exception; and what a form
accepts, the database accepts too (a valid list name never fails on a constraint)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from papers.accounts.views.account import AccountDeleteForm
from papers.accounts.views.signup import SignupForm
from papers.forms import (
    MAX_DATABASE_INT,
    ItemNoteForm,
    ItemStatusForm,
    NewListForPaperForm,
    ReadingListForm,
    RemoveItemsForm,
    ReorderForm,
    SaveForm,
    UpvoteForm,
    bounded_int,
    database_id,
)
from papers.lists.operations import ListNameTaken, reading_list_create
from papers.models import ReadingList, ReadingListItem
from tests.properties.conftest import rolled_back

pytestmark = pytest.mark.django_db

# Names that differ only by case in some alphabet, including pairs that upper- and lower-case disagree on
# (the Kelvin sign lower-cases to "k"; "ß" upper-cases to "SS").
TRICKY_NAMES = [
    "k",
    "K",
    "\u212a",  # KELVIN SIGN
    "Stra\u00dfe",
    "STRASSE",
    "\u03a3",  # Greek capital sigma, small sigma, final sigma
    "\u03c3",
    "\u03c2",
    "\u01c5",  # Dz with caron, title case and small
    "\u01c6",
    "\u0130",  # I with dot above, and i with a combining dot
    "i\u0307",
    "Read later",
    "READ LATER",
]
names = st.text(max_size=120) | st.sampled_from(TRICKY_NAMES) | st.text(min_size=95, max_size=105)
numbers = st.integers(-(2**70), 2**70).map(str)
values = (
    st.text(max_size=30)
    | numbers
    | st.sampled_from(["default", "up", "down", "upvote", "unvote", "read", ""])
)


def query(pairs: list[tuple[str, str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in pairs:
        data.appendlist(key, value)
    return data


def pairs(*fields: str) -> st.SearchStrategy[list[tuple[str, str]]]:
    return st.lists(st.tuples(st.sampled_from([*fields, "other"]), values), max_size=6)


def check(form: Any) -> bool:
    valid = form.is_valid()
    if not valid:
        assert form.errors
    return valid


@pytest.fixture
def existing_lists(alice):
    for name in ("k", "Straße", "Σ", "ǅ", "Read later"):
        ReadingList.objects.create(owner=alice, name=name)


@given(name=names, description=st.text(max_size=1100))
def test_a_list_name_the_form_accepts_is_saved_or_reported_taken(alice, existing_lists, name, description):
    with rolled_back():
        before = ReadingList.objects.count()
        form = ReadingListForm({"name": name, "description": description}, owner=alice)
        if not check(form):
            assert ReadingList.objects.count() == before
            return
        try:
            # What the views do with a valid form; only ListNameTaken may stop it (shown as a form error).
            reading_list_create(owner=alice, **form.cleaned_data)
        except ListNameTaken:
            assert ReadingList.objects.count() == before
        else:
            assert ReadingList.objects.count() == before + 1


@given(name=names)
def test_the_new_list_form_of_a_save_control_accepts_or_explains(alice, existing_lists, name):
    check(NewListForPaperForm({"name": name}, owner=alice))


@given(data=pairs("action"))
def test_the_upvote_form(data):
    form = UpvoteForm(query(data))
    if check(form):
        assert form.cleaned_data["action"] in ("upvote", "unvote")


@given(data=pairs("add", "remove"))
def test_the_save_form_only_ever_names_the_default_list_or_a_valid_id(data):
    form = SaveForm(query(data))
    if check(form):
        key = form.list_key
        assert key == "default" or (key.isdigit() and 0 < int(key) < 2**63)


@given(data=pairs("status"))
def test_the_status_form(data):
    form = ItemStatusForm(query(data))
    if check(form):
        assert form.cleaned_data["status"] in ReadingListItem.Status.values


@given(
    note=st.text(max_size=5200) | st.text(min_size=2490, max_size=2510).map(lambda text: text + "\r\n" * 2500)
)
def test_the_note_form_keeps_notes_within_the_limit_with_single_line_breaks(note):
    form = ItemNoteForm({"note": note})
    if check(form):
        assert len(form.cleaned_data["note"]) <= ReadingListItem.NOTE_MAX_LENGTH
        assert "\r\n" not in form.cleaned_data["note"]


@given(data=pairs("item"))
def test_the_remove_form_only_passes_ids_the_database_can_hold(data):
    form = RemoveItemsForm(query(data))
    if check(form):
        assert all(0 < item < 2**63 for item in form.cleaned_data["item"])


@given(data=pairs("order", "item", "direction"))
def test_the_reorder_form_only_passes_ids_the_database_can_hold(data):
    form = ReorderForm(query(data))
    if check(form):
        moved = [form.cleaned_data["item"]] if form.cleaned_data["item"] is not None else []
        assert all(0 < item < 2**63 for item in form.cleaned_data["order"] + moved)


@given(
    username=st.text(max_size=160) | st.sampled_from(["alice", "ALICE", "al ice", "a" * 151]),
    email=st.text(max_size=80) | st.emails(),
)
def test_the_signup_form_accepts_or_explains_and_writes_nothing(alice, username, email):
    users = list(User.objects.values_list("pk", "username", "email"))

    form = SignupForm({"username": username, "email": email})

    if check(form):
        assert len(form.cleaned_data["username"]) <= 150
        assert form.cleaned_data["username"].lower() != "alice"
    assert list(User.objects.values_list("pk", "username", "email")) == users


@given(password=st.text(max_size=200))
def test_the_account_deletion_form_only_accepts_the_right_password(alice, password):
    form = AccountDeleteForm({"password": password}, user=alice)

    assert check(form) == (password == "correct horse battery staple")


# Integers from a request (papers.forms.bounded_int): ASCII digits in range, nothing else.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("0012", 12),
        ("-5", -5),
        ("-6", None),
        ("1001", None),
        ("", None),
        (" 12", None),
        ("+12", None),
        ("1_2", None),
        ("12.0", None),
        ("\u0661\u0662", None),  # Arabic-Indic digits, which int() reads as 12
        ("\u00b9", None),  # superscript one, which str.isdigit takes and int() refuses
        ("9" * 5000, None),  # past int()'s 4,300-digit limit: no exception
        ("-", None),
    ],
)
def test_bounded_int_takes_ascii_digits_in_range_only(text, expected):
    assert bounded_int(text, minimum=-5, maximum=1000) == expected


def test_a_database_id_fits_a_bigint():
    assert database_id(str(MAX_DATABASE_INT)) == MAX_DATABASE_INT
    assert database_id(str(MAX_DATABASE_INT + 1)) is None
    assert database_id("0") is None
    assert database_id("-1") is None


@given(st.text(max_size=30) | st.integers().map(str))
def test_bounded_int_is_a_number_in_range_or_none(text):
    number = bounded_int(text, minimum=0, maximum=10**6)

    assert number is None or (0 <= number <= 10**6 and int(text) == number)
