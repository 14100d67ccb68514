from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from papers.models import ReadingListItem
from tests.factories import ReadingListFactory, ReadingListItemFactory
from tests.lists.conftest import HTMX

pytestmark = pytest.mark.django_db

Status = ReadingListItem.Status


def order_of(reading_list):
    return list(reading_list.items.order_by("position").values_list("pk", flat=True))


# Status


def test_an_htmx_status_change_answers_with_the_item(alice_client, alices_item):
    response = alice_client.post(
        f"/lists/items/{alices_item.pk}/status/", {"status": "reading"}, headers=HTMX
    )

    assert response.status_code == 200
    assertTemplateUsed(response, "lists/_list_item.html")
    assertContains(response, f'id="list-item-{alices_item.pk}"')
    assertContains(response, 'value="reading" aria-pressed="true"')
    alices_item.refresh_from_db()
    assert alices_item.status == Status.READING
    assert "HX-Request" in response["Vary"]


def test_an_htmx_status_change_brings_the_status_counts_along(alice_client, alices_item):
    ReadingListItemFactory(reading_list=alices_item.reading_list, status=Status.READ)
    list_url = f"http://testserver/lists/{alices_item.reading_list_id}/?status=to_read"

    response = alice_client.post(
        f"/lists/items/{alices_item.pk}/status/",
        {"status": "read"},
        headers=HTMX | {"HX-Current-URL": list_url},
    )

    # The tabs are swapped out of band, counted after the change: two read, none left to read.
    tabs = response.content.decode().split('id="status-tabs"', 1)[1].split("</nav>", 1)[0]
    assert 'hx-swap-oob="true"' in tabs
    assert _tab_count(tabs, "read") == 2
    assert _tab_count(tabs, "to_read") == 0
    assert _tab_count(tabs, "all") == 2
    # The tab links keep the page's own filter.
    assert 'data-status="to_read" aria-current="true"' in tabs


def _tab_count(tabs: str, status: str) -> int:
    after = tabs.split(f'data-status="{status}"', 1)[1]
    return int(after.split('class="segmented__count">', 1)[1].split("<", 1)[0])


def test_without_javascript_a_status_change_redirects_to_the_item(alice_client, alices_item):
    list_url = f"/lists/{alices_item.reading_list_id}/?status=to_read"

    response = alice_client.post(
        f"/lists/items/{alices_item.pk}/status/", {"status": "read", "next": list_url}
    )

    assert response["Location"] == f"{list_url}#list-item-{alices_item.pk}"
    alices_item.refresh_from_db()
    assert alices_item.status == Status.READ


@pytest.mark.parametrize("status", ["done", "", "READ"])
def test_an_invalid_status_is_refused(alice_client, alices_item, status):
    response = alice_client.post(f"/lists/items/{alices_item.pk}/status/", {"status": status}, headers=HTMX)

    assert response.status_code == 400
    alices_item.refresh_from_db()
    assert alices_item.status == Status.TO_READ


# Note


def test_an_htmx_note_is_saved_and_shown(alice_client, alices_item):
    response = alice_client.post(
        f"/lists/items/{alices_item.pk}/note/", {"note": "Compare with\r\nplace cells <b>"}, headers=HTMX
    )

    alices_item.refresh_from_db()
    assert alices_item.note == "Compare with\nplace cells <b>"
    assertContains(response, "Compare with<br>place cells &lt;b&gt;")


def test_a_note_can_be_cleared(alice_client, alices_item):
    alices_item.note = "old"
    alices_item.save()

    alice_client.post(f"/lists/items/{alices_item.pk}/note/", {"note": ""}, headers=HTMX)

    alices_item.refresh_from_db()
    assert alices_item.note == ""


def test_a_5000_character_note_fits_even_with_crlf_line_breaks(alice_client, alices_item):
    # Browsers send CRLF (5,049 characters here) but count each line break as one (5,000).
    note = ("x" * 99 + "\r\n") * 49 + "x" * 100

    alice_client.post(f"/lists/items/{alices_item.pk}/note/", {"note": note}, headers=HTMX)

    alices_item.refresh_from_db()
    assert len(alices_item.note) == 5000


def test_a_5001_character_note_is_refused_with_the_text_kept(alice_client, alices_item):
    response = alice_client.post(f"/lists/items/{alices_item.pk}/note/", {"note": "y" * 5001}, headers=HTMX)

    assert response.status_code == 200
    assertContains(response, "Keep the note to 5,000 characters or fewer (it has 5,001).")
    assertContains(response, '<details class="item-note" open>')
    assertContains(response, "y" * 5001)
    alices_item.refresh_from_db()
    assert alices_item.note == ""


def test_a_5001_character_note_without_javascript_gets_a_page_with_the_error(alice_client, alices_item):
    response = alice_client.post(f"/lists/items/{alices_item.pk}/note/", {"note": "y" * 5001})

    assertTemplateUsed(response, "lists/item_note.html")
    assertContains(response, "Keep the note to 5,000 characters or fewer")
    alices_item.refresh_from_db()
    assert alices_item.note == ""


# Reorder


@pytest.fixture
def four_items(alices_list):
    return [ReadingListItemFactory(reading_list=alices_list, position=n) for n in range(4)]


def test_moving_an_item_up_and_down(alice_client, alices_list, four_items):
    a, b, c, d = (item.pk for item in four_items)

    alice_client.post(f"/lists/{alices_list.pk}/reorder/", {"item": c, "direction": "up"})
    assert order_of(alices_list) == [a, c, b, d]

    alice_client.post(f"/lists/{alices_list.pk}/reorder/", {"item": a, "direction": "down"})
    assert order_of(alices_list) == [c, a, b, d]


def test_moving_past_either_end_changes_nothing(alice_client, alices_list, four_items):
    a, b, c, d = (item.pk for item in four_items)

    alice_client.post(f"/lists/{alices_list.pk}/reorder/", {"item": a, "direction": "up"})
    alice_client.post(f"/lists/{alices_list.pk}/reorder/", {"item": d, "direction": "down"})

    assert order_of(alices_list) == [a, b, c, d]


def test_an_htmx_move_answers_with_the_whole_list(alice_client, alices_list, four_items):
    a, b = four_items[0].pk, four_items[1].pk

    response = alice_client.post(
        f"/lists/{alices_list.pk}/reorder/",
        {"item": b, "direction": "up"},
        headers=HTMX | {"HX-Current-URL": f"http://testserver/lists/{alices_list.pk}/"},
    )

    body = response.content.decode()
    assert '<ol id="list-items"' in body
    assert "<html" not in body
    assert body.index(f'id="list-item-{b}"') < body.index(f'id="list-item-{a}"')


def test_without_javascript_a_move_redirects_to_the_moved_item(alice_client, alices_list, four_items):
    b = four_items[1].pk

    response = alice_client.post(f"/lists/{alices_list.pk}/reorder/", {"item": b, "direction": "down"})

    assert response["Location"] == f"/lists/{alices_list.pk}/#list-item-{b}"


def test_a_whole_new_order_ignores_other_users_items(alice_client, alices_list, four_items, bob):
    a, b, c, d = (item.pk for item in four_items)
    bobs_list = ReadingListFactory(owner=bob)
    bobs = [ReadingListItemFactory(reading_list=bobs_list, position=n) for n in range(2)]

    response = alice_client.post(
        f"/lists/{alices_list.pk}/reorder/", {"order": [d, bobs[1].pk, c, bobs[0].pk]}
    )

    assert response.status_code == 302
    assert order_of(alices_list) == [d, c, a, b]
    assert order_of(bobs_list) == [bobs[0].pk, bobs[1].pk]


def test_moving_another_users_item_through_my_list_is_ignored(alice_client, alices_list, four_items, bob):
    bobs_list = ReadingListFactory(owner=bob)
    bobs = [ReadingListItemFactory(reading_list=bobs_list, position=n) for n in range(2)]

    alice_client.post(f"/lists/{alices_list.pk}/reorder/", {"item": bobs[1].pk, "direction": "up"})

    assert order_of(bobs_list) == [bobs[0].pk, bobs[1].pk]
    assert order_of(alices_list) == [item.pk for item in four_items]


@pytest.mark.parametrize(
    "data", [{}, {"item": "1"}, {"direction": "up"}, {"item": "x", "direction": "up"}, {"order": ["a"]}]
)
def test_a_malformed_reorder_is_refused(alice_client, alices_list, four_items, data):
    assert alice_client.post(f"/lists/{alices_list.pk}/reorder/", data).status_code == 400
    assert order_of(alices_list) == [item.pk for item in four_items]


# Bulk removal


def test_removing_several_items_at_once(alice_client, alices_list, four_items):
    a, b, c, d = (item.pk for item in four_items)

    response = alice_client.post(f"/lists/{alices_list.pk}/remove/", {"item": [a, c]}, follow=True)

    assert order_of(alices_list) == [b, d]
    assertContains(response, "Removed 2 papers from “Navigation”.")


def test_bulk_removal_never_touches_another_users_items(alice_client, alices_list, four_items, bob):
    bobs_item = ReadingListItemFactory(reading_list=ReadingListFactory(owner=bob))

    alice_client.post(f"/lists/{alices_list.pk}/remove/", {"item": [four_items[0].pk, bobs_item.pk]})

    assert ReadingListItem.objects.filter(pk=bobs_item.pk).exists()
    assert len(order_of(alices_list)) == 3


def test_bulk_removal_through_someone_elses_list_is_a_404(alice_client, bob):
    bobs_item = ReadingListItemFactory(reading_list=ReadingListFactory(owner=bob))

    response = alice_client.post(f"/lists/{bobs_item.reading_list_id}/remove/", {"item": [bobs_item.pk]})

    assert response.status_code == 404
    assert ReadingListItem.objects.filter(pk=bobs_item.pk).exists()


def test_bulk_removal_with_nothing_ticked_says_so(alice_client, alices_list, four_items):
    response = alice_client.post(f"/lists/{alices_list.pk}/remove/", {}, follow=True)

    assertContains(response, "Tick the papers to remove first.")
    assert len(order_of(alices_list)) == 4


def test_bulk_removal_with_a_malformed_id_removes_nothing(alice_client, alices_list, four_items):
    response = alice_client.post(f"/lists/{alices_list.pk}/remove/", {"item": [four_items[0].pk, "1; DROP"]})

    assert response.status_code == 302
    assert len(order_of(alices_list)) == 4


def test_the_list_page_checkboxes_belong_to_the_bulk_form(alice_client, alices_item):
    response = alice_client.get(f"/lists/{alices_item.reading_list_id}/")

    assertContains(response, f'name="item" value="{alices_item.pk}" form="remove-items"')
    assertNotContains(response, 'form="remove-items" disabled')
