from __future__ import annotations

import datetime

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from papers.models import Paper, ReadingList, ReadingListItem
from tests.factories import PaperFactory, ReadingListFactory, ReadingListItemFactory

pytestmark = pytest.mark.django_db

Status = ReadingListItem.Status


def titles(response):
    return [item.paper.title for item in response.context["page_obj"]]


# The index


def test_the_index_creates_read_later_and_counts_each_status(alice_client, alice, alices_list):
    ReadingListItemFactory(reading_list=alices_list, status=Status.READ)
    ReadingListItemFactory(reading_list=alices_list, status=Status.READ)
    ReadingListItemFactory(reading_list=alices_list, status=Status.READING)

    response = alice_client.get("/lists/")

    assert response.status_code == 200
    lists = response.context["lists"]
    assert [rl.name for rl in lists] == ["Read later", "Navigation"]
    navigation = lists[1]
    assert (navigation.total, navigation.to_read, navigation.reading, navigation.read) == (3, 0, 1, 2)
    assertContains(response, "3 papers")
    assertContains(response, '<span class="status-count__n">2</span> read', html=False)


def test_the_index_shows_only_the_users_own_lists(alice_client, bob):
    ReadingListFactory(owner=bob, name="Bob's private list")

    assertNotContains(alice_client.get("/lists/"), "Bob's private list")


# Create, rename, delete


def test_creating_a_list_goes_to_it(alice_client, alice):
    response = alice_client.post("/lists/new/", {"name": "  Thesis  ", "description": "Chapter 2"})

    created = ReadingList.objects.get(owner=alice)
    assert created.name == "Thesis"
    assert created.description == "Chapter 2"
    assert response["Location"] == f"/lists/{created.pk}/"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give the list a name."),
        ("   ", "Give the list a name."),
        ("x" * 101, "Keep the name to 100 characters or fewer (it has 101)."),
        ("NAVIGATION", "You already have a list called “NAVIGATION”. Pick another name."),
    ],
)
def test_a_bad_list_name_is_explained_and_nothing_is_created(alice_client, alices_list, name, message):
    response = alice_client.post("/lists/new/", {"name": name})

    assert response.status_code == 200
    assertContains(response, message)
    assert ReadingList.objects.count() == 1


def test_a_name_another_user_has_is_fine(alice_client, alice, bob):
    ReadingListFactory(owner=bob, name="Navigation")

    alice_client.post("/lists/new/", {"name": "Navigation"})

    assert ReadingList.objects.filter(owner=alice, name="Navigation").exists()


def test_a_name_of_exactly_100_characters_is_accepted(alice_client, alice):
    alice_client.post("/lists/new/", {"name": "x" * 100})

    assert ReadingList.objects.filter(owner=alice, name="x" * 100).exists()


def test_renaming_a_list(alice_client, alices_list):
    response = alice_client.post(
        f"/lists/{alices_list.pk}/edit/", {"name": "Path integration", "description": ""}
    )

    alices_list.refresh_from_db()
    assert alices_list.name == "Path integration"
    assert response["Location"] == f"/lists/{alices_list.pk}/"


def test_renaming_to_a_different_case_of_its_own_name_is_allowed(alice_client, alices_list):
    alice_client.post(f"/lists/{alices_list.pk}/edit/", {"name": "NAVIGATION"})

    alices_list.refresh_from_db()
    assert alices_list.name == "NAVIGATION"


def test_renaming_onto_another_list_name_is_explained(alice_client, alice, alices_list):
    ReadingListFactory(owner=alice, name="Grid cells")

    response = alice_client.post(f"/lists/{alices_list.pk}/edit/", {"name": "grid CELLS"})

    assertContains(response, "You already have a list called “grid CELLS”")
    assertContains(response, "Rename “Navigation”")
    alices_list.refresh_from_db()
    assert alices_list.name == "Navigation"


def test_the_default_list_can_be_renamed_and_stays_the_default(alice_client, alices_default):
    alice_client.post(f"/lists/{alices_default.pk}/edit/", {"name": "Inbox"})

    alices_default.refresh_from_db()
    assert (alices_default.name, alices_default.is_default) == ("Inbox", True)


def test_deleting_a_list_asks_first_then_deletes_it_and_its_items(alice_client, alices_item):
    reading_list = alices_item.reading_list

    confirm = alice_client.get(f"/lists/{reading_list.pk}/delete/")
    assertContains(confirm, "1 paper")
    assert ReadingList.objects.filter(pk=reading_list.pk).exists()

    response = alice_client.post(f"/lists/{reading_list.pk}/delete/")

    assert response["Location"] == "/lists/"
    assert not ReadingList.objects.filter(pk=reading_list.pk).exists()
    assert not ReadingListItem.objects.exists()
    assert Paper.objects.filter(pk=alices_item.paper_id).exists()


def test_the_default_list_cannot_be_deleted_and_the_page_says_so(alice_client, alices_default):
    confirm = alice_client.get(f"/lists/{alices_default.pk}/delete/")
    assertContains(confirm, "you can rename it, but not delete it")
    assertNotContains(confirm, "Delete the list")

    response = alice_client.post(f"/lists/{alices_default.pk}/delete/", follow=True)

    assert ReadingList.objects.filter(pk=alices_default.pk).exists()
    assertContains(response, "is your default list: you can rename it, but not delete it.")


# The list page


@pytest.fixture
def three_items(alices_list):
    older = datetime.date(2020, 1, 1)
    items = [
        ReadingListItemFactory(
            reading_list=alices_list,
            position=2,
            status=Status.READ,
            paper=PaperFactory(title="Banana", published_on=older),
        ),
        ReadingListItemFactory(
            reading_list=alices_list,
            position=0,
            status=Status.TO_READ,
            paper=PaperFactory(title="apple", published_on=datetime.date(2024, 5, 1)),
        ),
        ReadingListItemFactory(
            reading_list=alices_list,
            position=1,
            status=Status.READ,
            paper=PaperFactory(title="Cherry", published_on=None),
        ),
    ]
    return items


def test_the_list_page_shows_the_manual_order_by_default(alice_client, alices_list, three_items):
    response = alice_client.get(f"/lists/{alices_list.pk}/")

    assertTemplateUsed(response, "lists/detail.html")
    assert titles(response) == ["apple", "Cherry", "Banana"]
    assertContains(response, 'class="move move--up"')


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["apple", "Banana", "Cherry"]),
        ("published", ["apple", "Banana", "Cherry"]),
        ("added", ["Cherry", "apple", "Banana"]),
        ("nonsense", ["apple", "Cherry", "Banana"]),
    ],
)
def test_the_list_page_sorts(alice_client, alices_list, three_items, sort, expected):
    response = alice_client.get(f"/lists/{alices_list.pk}/", {"sort": sort})

    assert titles(response) == expected
    if sort != "nonsense":
        assertNotContains(response, 'class="move move--up"')


def test_the_list_page_filters_by_status_and_counts_each(alice_client, alices_list, three_items):
    response = alice_client.get(f"/lists/{alices_list.pk}/", {"status": "read"})

    assert titles(response) == ["Cherry", "Banana"]
    assert response.context["counts"] == {"total": 3, "to_read": 1, "reading": 0, "read": 2, "abandoned": 0}
    assertContains(response, 'aria-current="true">Read <span class="segmented__count">2</span>', html=False)


def test_an_unknown_status_filter_shows_everything(alice_client, alices_list, three_items):
    assert len(titles(alice_client.get(f"/lists/{alices_list.pk}/", {"status": "done"}))) == 3


def test_a_filter_with_no_match_says_so(alice_client, alices_list, three_items):
    response = alice_client.get(f"/lists/{alices_list.pk}/", {"status": "abandoned"})

    assertContains(response, "No papers on this list are marked “Abandoned”.")


def test_an_empty_list_says_how_to_fill_it(alice_client, alices_list):
    assertContains(alice_client.get(f"/lists/{alices_list.pk}/"), "This list is empty.")


def test_the_list_page_links_to_import_and_export(alice_client, alices_list):
    response = alice_client.get(f"/lists/{alices_list.pk}/")

    assertContains(response, f'href="/lists/{alices_list.pk}/import/"')
    assertTemplateUsed(response, "lists/_export_links.html")


def test_the_default_list_page_says_it_cannot_be_deleted(alice_client, alices_default):
    response = alice_client.get(f"/lists/{alices_default.pk}/")

    assertContains(response, "It can be renamed but not deleted.")
    assertNotContains(response, f'href="/lists/{alices_default.pk}/delete/"')


def test_long_lists_are_paged(alice_client, alices_list, monkeypatch):
    monkeypatch.setattr("papers.lists.views.list_page.ITEMS_PER_PAGE", 2)
    ReadingListItemFactory.create_batch(3, reading_list=alices_list)

    first = alice_client.get(f"/lists/{alices_list.pk}/")
    second = alice_client.get(f"/lists/{alices_list.pk}/", {"page": 2})

    assert len(titles(first)) == 2
    assert len(titles(second)) == 1
    assertContains(first, "Page 1 of 2")
