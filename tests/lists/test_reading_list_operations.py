from __future__ import annotations

import pytest
from django.http import QueryDict

from papers.forms import ItemNoteForm, ReadingListForm, ReorderForm, SaveForm
from papers.lists.operations import (
    DefaultListNotDeletable,
    ListNameTaken,
    reading_list_create,
    reading_list_delete,
    reading_list_move_item,
    reading_list_reorder,
    reading_list_update,
)
from papers.models import ReadingList
from tests.factories import ReadingListFactory, ReadingListItemFactory

pytestmark = pytest.mark.django_db


def positions(reading_list):
    return list(reading_list.items.order_by("position").values_list("pk", "position"))


def test_the_database_refuses_a_duplicate_name_that_slipped_past_the_form(alice, alices_list):
    with pytest.raises(ListNameTaken):
        reading_list_create(owner=alice, name="navigation")

    assert ReadingList.objects.filter(owner=alice).count() == 1


def test_a_refused_rename_leaves_the_object_as_it_was(alice, alices_list):
    other = ReadingListFactory(owner=alice, name="Other")

    with pytest.raises(ListNameTaken):
        reading_list_update(reading_list=other, name="NAVIGATION", description="x")

    assert (other.name, other.description) == ("Other", "")


def test_the_default_list_is_never_deleted(alices_default):
    with pytest.raises(DefaultListNotDeletable):
        reading_list_delete(reading_list=alices_default)

    assert ReadingList.objects.filter(pk=alices_default.pk).exists()


def test_a_move_renumbers_the_list_from_zero(alices_list):
    # Positions with gaps, as after removals.
    items = [ReadingListItemFactory(reading_list=alices_list, position=p) for p in (3, 7, 9)]

    assert reading_list_move_item(reading_list=alices_list, item_id=items[2].pk, offset=-1) is True

    assert positions(alices_list) == [(items[0].pk, 0), (items[2].pk, 1), (items[1].pk, 2)]


def test_a_move_of_an_item_on_another_list_does_nothing(alices_list, bob):
    mine = ReadingListItemFactory(reading_list=alices_list, position=0)
    theirs = ReadingListItemFactory(reading_list=ReadingListFactory(owner=bob), position=5)

    assert reading_list_move_item(reading_list=alices_list, item_id=theirs.pk, offset=-1) is False

    theirs.refresh_from_db()
    assert theirs.position == 5
    assert positions(alices_list) == [(mine.pk, 0)]


def test_reorder_puts_unlisted_items_after_in_their_old_order(alices_list):
    a, b, c, d = (ReadingListItemFactory(reading_list=alices_list, position=p) for p in range(4))

    reading_list_reorder(reading_list=alices_list, item_ids=[c.pk, c.pk, a.pk])

    assert [pk for pk, _ in positions(alices_list)] == [c.pk, a.pk, b.pk, d.pk]


def test_the_list_form_ignores_the_list_being_renamed_but_not_others(alice, alices_list):
    renaming = ReadingListForm({"name": "navigation"}, owner=alice, instance=alices_list)
    creating = ReadingListForm({"name": "navigation"}, owner=alice)

    assert renaming.is_valid()
    assert not creating.is_valid()
    assert creating.errors["name"] == ["You already have a list called “navigation”. Pick another name."]


def test_the_list_form_limits_the_description(alice):
    form = ReadingListForm({"name": "Fine", "description": "d" * 1001}, owner=alice)

    assert not form.is_valid()
    assert "description" in form.errors


def test_the_note_form_counts_crlf_as_one_character():
    assert ItemNoteForm({"note": "a\r\n" * 2500}).is_valid()
    assert not ItemNoteForm({"note": "a" * 5001}).is_valid()


@pytest.mark.parametrize(
    ("data", "valid"),
    [
        ({"add": "default"}, True),
        ({"remove": "12"}, True),
        ({"add": "0"}, False),
        ({"add": "default", "remove": "default"}, False),
        ({"add": "Read later"}, False),
    ],
)
def test_the_save_form_takes_exactly_one_list(data, valid):
    assert SaveForm(data).is_valid() is valid


@pytest.mark.parametrize(
    ("data", "valid"),
    [
        ({"item": "3", "direction": "up"}, True),
        ({"order": ["3", "1"]}, True),
        ({"item": "3", "direction": "left"}, False),
        ({"item": "0", "direction": "up"}, False),
        ({"order": ["3", "-1"]}, False),
    ],
)
def test_the_reorder_form(data, valid):
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    assert ReorderForm(query).is_valid() is valid
