from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from papers.models import ReadingList, ReadingListItem
from tests.factories import ReadingListFactory, ReadingListItemFactory
from tests.lists.conftest import HTMX

pytestmark = pytest.mark.django_db


def save_url(paper):
    return f"/papers/{paper.pk}/save/"


def new_list_url(paper):
    return f"/papers/{paper.pk}/save/new-list/"


def test_quick_save_puts_the_paper_on_read_later_creating_it(alice_client, alice, paper):
    response = alice_client.post(save_url(paper), {"add": "default"}, headers=HTMX)

    assert response.status_code == 200
    control = f'<div class="save-control" id="save-control-{paper.pk}"'
    assert response.content.decode().lstrip().startswith(control)
    default = ReadingList.objects.get(owner=alice, is_default=True)
    assert default.name == "Read later"
    assert default.items.filter(paper=paper).exists()
    assertContains(response, f'id="save-control-{paper.pk}"')
    assertContains(response, 'name="remove" value="default"')
    assertContains(response, "Saved")


def test_quick_save_twice_keeps_one_item(alice_client, alice, paper):
    alice_client.post(save_url(paper), {"add": "default"}, headers=HTMX)
    alice_client.post(save_url(paper), {"add": "default"}, headers=HTMX)

    assert ReadingListItem.objects.filter(paper=paper).count() == 1


def test_removing_from_read_later(alice_client, alices_default, paper):
    ReadingListItemFactory(reading_list=alices_default, paper=paper)

    response = alice_client.post(save_url(paper), {"remove": "default"}, headers=HTMX)

    assert not ReadingListItem.objects.exists()
    assertContains(response, 'name="add" value="default"')


def test_removing_from_read_later_before_it_exists_creates_nothing(alice_client, alice, paper):
    alice_client.post(save_url(paper), {"remove": "default"}, headers=HTMX)

    assert not ReadingList.objects.filter(owner=alice).exists()


def test_the_menu_toggles_a_named_list_and_stays_open(alice_client, alices_list, paper):
    response = alice_client.post(save_url(paper), {"add": alices_list.pk, "menu": "open"}, headers=HTMX)

    assert alices_list.items.filter(paper=paper).exists()
    assertContains(response, '<details class="save-menu" open>')
    assertContains(response, f'name="remove" value="{alices_list.pk}"')
    assertContains(response, "In 1 list")

    response = alice_client.post(save_url(paper), {"remove": alices_list.pk, "menu": "open"}, headers=HTMX)

    assert not alices_list.items.exists()
    assertContains(response, f'name="add" value="{alices_list.pk}"')


def test_without_javascript_a_save_redirects_back_with_a_message(alice_client, alices_list, paper):
    response = alice_client.post(save_url(paper), {"add": alices_list.pk, "next": "/trending/"}, follow=True)

    assert response.redirect_chain == [("/trending/", 302)]
    assertContains(response, "Saved to “Navigation”")


def test_saving_to_another_users_list_is_a_404_and_changes_nothing(alice_client, bob, paper):
    bobs = ReadingListFactory(owner=bob)

    for data in ({"add": bobs.pk}, {"remove": bobs.pk}):
        assert alice_client.post(save_url(paper), data, headers=HTMX).status_code == 404
    assert not ReadingListItem.objects.exists()


def test_removing_from_another_users_list_leaves_their_item(alice_client, bob, paper):
    bobs_item = ReadingListItemFactory(reading_list=ReadingListFactory(owner=bob), paper=paper)

    response = alice_client.post(save_url(paper), {"remove": bobs_item.reading_list_id})

    assert response.status_code == 404
    assert ReadingListItem.objects.filter(pk=bobs_item.pk).exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"add": "1", "remove": "1"},
        {"add": "abc"},
        {"add": "-3"},
        {"remove": "99999999999999999999999"},
        # Past int()'s 4,300 digits: it raised, a 500 (found by tests/security/test_url_fuzz.py).
        {"add": "1" * 5000},
        {"add": "\N{ARABIC-INDIC DIGIT ONE}"},
    ],
)
def test_a_malformed_save_is_refused(alice_client, paper, data):
    assert alice_client.post(save_url(paper), data, headers=HTMX).status_code == 400
    assert not ReadingListItem.objects.exists()


def test_new_list_creates_it_and_saves_the_paper_in_one_step(alice_client, alice, paper):
    response = alice_client.post(new_list_url(paper), {"name": "Place cells"}, headers=HTMX)

    assert response.status_code == 200
    created = ReadingList.objects.get(owner=alice, name="Place cells")
    assert list(created.items.values_list("paper_id", flat=True)) == [paper.pk]
    assertContains(response, '<details class="save-menu" open>')
    assertContains(response, f'name="remove" value="{created.pk}"')


def test_a_duplicate_new_list_name_is_explained_in_the_menu(alice_client, alices_list, paper):
    response = alice_client.post(new_list_url(paper), {"name": "NAVIGATION"}, headers=HTMX)

    assert response.status_code == 200
    assertContains(response, "You already have a list called “NAVIGATION”")
    assertContains(response, 'aria-invalid="true"')
    assert ReadingList.objects.count() == 1
    assert not ReadingListItem.objects.exists()


def test_an_empty_new_list_name_is_explained(alice_client, paper):
    response = alice_client.post(new_list_url(paper), {"name": "   "}, headers=HTMX)

    assertContains(response, "Give the list a name.")
    assert not ReadingList.objects.exists()


def test_a_too_long_new_list_name_is_explained_without_javascript(alice_client, paper):
    response = alice_client.post(new_list_url(paper), {"name": "x" * 101})

    assert response.status_code == 200
    assertTemplateUsed(response, "lists/save.html")
    assertContains(response, "Keep the name to 100 characters or fewer (it has 101).")
    assert not ReadingList.objects.exists()


def test_new_list_without_javascript_redirects_back(alice_client, alice, paper):
    response = alice_client.post(new_list_url(paper), {"name": "Later", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert ReadingList.objects.get(owner=alice, name="Later").items.count() == 1


def test_the_control_shows_which_lists_hold_the_paper(alice_client, alice, alices_list, paper):
    other = ReadingListFactory(owner=alice, name="Other")
    ReadingListItemFactory(reading_list=alices_list, paper=paper)

    response = alice_client.get(save_url(paper), headers=HTMX)

    body = response.content.decode()
    assert f'name="remove" value="{alices_list.pk}"' in body
    assert f'name="add" value="{other.pk}"' in body
    # Read later does not exist yet, so it is offered by name.
    assert 'name="add" value="default"' in body
    assert "<html" not in body


def test_the_save_page_works_without_javascript(alice_client, paper):
    response = alice_client.get(save_url(paper))

    assertTemplateUsed(response, "lists/save.html")
    assertContains(response, paper.title)


def test_anonymous_visitors_see_only_the_quick_save(client, paper):
    response = client.get("/")

    assertContains(response, f'id="save-control-{paper.pk}"')
    assertNotContains(response, "save-menu")
    assertNotContains(response, "Not interested")


def test_the_save_page_sends_anonymous_visitors_to_log_in_and_back(client, paper):
    response = client.get(save_url(paper))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/papers/{paper.pk}/save/"


def test_another_users_lists_never_appear_in_the_menu(alice_client, bob, paper):
    ReadingListFactory(owner=bob, name="Bob's secret list")

    assertNotContains(alice_client.get("/"), "Bob's secret list")
