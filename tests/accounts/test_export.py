"""/account/: the data download, the subscribe links and their token, deleting the account."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from pytest_django.asserts import assertContains, assertRedirects

from papers.lists.operations import default_reading_list, reading_list_add
from papers.lists.votes import paper_dismiss, paper_upvote
from papers.models import DigestSubscription, Dismissal, Paper, Profile, ReadingList, ReadingListItem, Upvote
from tests.factories import PaperFactory
from tests.lists.exports.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_things(alice, alice_list, ranking_paper):
    """Alice: two lists, an upvote and a dismissal. Returns the papers she upvoted and dismissed."""
    read_later = default_reading_list(alice)
    upvoted, dismissed = PaperFactory(title="Upvoted by Alice"), PaperFactory(title="Hidden by Alice")
    reading_list_add(reading_list=read_later, paper=upvoted)
    paper_upvote(user=alice, paper=upvoted)
    paper_upvote(user=alice, paper=ranking_paper)
    paper_dismiss(user=alice, paper=dismissed)
    return {"upvoted": upvoted, "dismissed": dismissed}


@pytest.fixture
def bobs_things(bob, alices_things, ranking_paper):
    """Bob upvotes the same paper Alice did and keeps a list with a note of his own."""
    paper_upvote(user=bob, paper=alices_things["upvoted"])
    bobs_list = ReadingList.objects.create(owner=bob, name="Bob's list")
    item = reading_list_add(reading_list=bobs_list, paper=ranking_paper)
    ReadingListItem.objects.filter(pk=item.pk).update(note="BOB-PRIVATE")
    return bobs_list


def test_the_account_page_lists_my_lists_with_export_and_subscribe_links(client, alice, alice_list):
    client.force_login(alice)

    response = client.get("/account/")

    token = Profile.objects.get(user=alice).feed_token
    assertContains(response, "Thesis: chapter 2")
    assertContains(response, f'href="/lists/{alice_list.pk}/export.bib"')
    assertContains(response, f'href="/lists/{alice_list.pk}/export.md"')
    assertContains(response, f"http://testserver/lists/{alice_list.pk}/export.bib?token={token}")


def test_the_header_links_to_the_account_page_when_logged_in(client, alice):
    assertContains(client.get("/"), "/accounts/login/")
    client.force_login(alice)

    assertContains(client.get("/"), '<a href="/account/">Account</a>', html=True)


def test_the_account_pages_need_a_login(client):
    for url in ("/account/", "/account/export.json", "/account/delete/"):
        assertRedirects(client.get(url), f"/accounts/login/?next={url}", fetch_redirect_response=False)


def test_the_json_download_has_my_lists_items_notes_statuses_upvotes_and_dismissals(
    client, alice, alices_things, bobs_things
):
    client.force_login(alice)

    response = client.get("/account/export.json")

    assert response["Content-Disposition"] == 'attachment; filename="papershelf-alice.json"'
    data = json.loads(response.content)
    assert data["account"]["username"] == "alice"
    assert [each["name"] for each in data["reading_lists"]] == ["Read later", "Thesis: chapter 2"]
    (item,) = data["reading_lists"][1]["items"]
    assert item["paper"]["arxiv_id"] == "2401.01234"
    assert item["paper"]["title"] == "Learning to Rank Papers"
    assert (item["status"], item["note"]) == ("reading", "SECRET-NOTE: compare with ch. 3")
    assert item["added_at"] and item["status_changed_at"]
    assert sorted(upvote["paper"]["title"] for upvote in data["upvotes"]) == [
        "Learning to Rank Papers",
        "Upvoted by Alice",
    ]
    assert [dismissal["paper"]["title"] for dismissal in data["dismissals"]] == ["Hidden by Alice"]
    # Nothing of Bob's, and not the secret of the subscribe links.
    text = response.content.decode()
    assert "BOB-PRIVATE" not in text
    assert "Bob's list" not in text
    assert Profile.for_user(alice).feed_token not in text


def test_the_json_download_has_my_onboarding_topics_and_digest_settings(client, alice, bob):
    Profile.objects.update_or_create(user=alice, defaults={"interests": ["spiking", "graph neural networks"]})
    Profile.objects.update_or_create(user=bob, defaults={"interests": ["BOB-TOPIC"]})
    DigestSubscription.objects.create(
        user=alice, enabled=True, frequency="weekly", hour=7, weekday=4, time_zone="Asia/Tokyo", size=12
    )
    client.force_login(alice)

    data = json.loads(client.get("/account/export.json").content)

    assert data["onboarding"]["topics"] == ["spiking", "graph neural networks"]
    assert data["digest"] | {"updated_at": None} == {
        "enabled": True,
        "frequency": "weekly",
        "hour": 7,
        "weekday": 4,
        "time_zone": "Asia/Tokyo",
        "papers_per_email": 12,
        "updated_at": None,
    }
    assert "BOB-TOPIC" not in json.dumps(data)


def test_a_reader_without_topics_or_digest_gets_empty_sections(client, alice):
    client.force_login(alice)

    data = json.loads(client.get("/account/export.json").content)

    assert data["onboarding"] == {"topics": [], "onboarded_at": None}
    assert data["digest"] is None


def test_regenerating_the_token_invalidates_the_old_subscribe_links(client, alice, alice_list, alice_token):
    client.force_login(alice)
    old_url = f"/lists/{alice_list.pk}/export.bib?token={alice_token}"

    response = client.post("/account/feed-token/")

    assertRedirects(response, "/account/", fetch_redirect_response=False)
    new_token = Profile.objects.get(user=alice).feed_token
    assert new_token != alice_token
    anonymous = Client()
    assert anonymous.get(old_url).status_code == 404
    assert anonymous.get(f"/lists/{alice_list.pk}/export.bib?token={new_token}").status_code == 200


def test_regenerating_the_token_takes_only_post(client, alice, alice_token):
    client.force_login(alice)

    assert client.get("/account/feed-token/").status_code == 405
    assert Profile.objects.get(user=alice).feed_token == alice_token


def test_regenerating_the_token_needs_the_csrf_token(alice, alice_token):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post("/account/feed-token/").status_code == 403
    assert Profile.objects.get(user=alice).feed_token == alice_token


def test_the_delete_page_asks_for_the_password(client, alice):
    client.force_login(alice)

    response = client.get("/account/delete/")

    assertContains(response, 'type="password"')
    assertContains(response, "cannot be undone")


def test_deleting_with_the_wrong_password_is_refused_and_deletes_nothing(client, alice, alices_things):
    client.force_login(alice)

    response = client.post("/account/delete/", {"password": "wrong"})

    assertContains(response, "That is not your password. Nothing was deleted.")
    assert get_user_model().objects.filter(username="alice").exists()
    assert ReadingList.objects.filter(owner=alice).count() == 2
    assert Upvote.objects.filter(user=alice).count() == 2


def test_deleting_needs_a_post_with_the_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post("/account/delete/", {"password": PASSWORD}).status_code == 403
    assert get_user_model().objects.filter(pk=alice.pk).exists()


def test_deleting_with_the_right_password_removes_everything_of_mine_and_nothing_else(
    client, alice, bob, alices_things, bobs_things, ranking_paper
):
    upvoted = alices_things["upvoted"]
    assert Paper.objects.get(pk=upvoted.pk).upvote_count == 2  # Alice and Bob
    client.force_login(alice)

    response = client.post("/account/delete/", {"password": PASSWORD})

    assertRedirects(response, "/account/deleted/", fetch_redirect_response=False)
    assert not get_user_model().objects.filter(username="alice").exists()
    assert not ReadingList.objects.filter(owner__username="alice").exists()
    assert ReadingListItem.objects.filter(reading_list__owner=bob).count() == 1
    assert not Upvote.objects.exclude(user=bob).exists()
    assert not Dismissal.objects.exists()
    assert not Profile.objects.exclude(user=bob).exists()
    # Alice's upvotes leave the counts; Bob's stay.
    assert Paper.objects.get(pk=upvoted.pk).upvote_count == 1
    assert Paper.objects.get(pk=ranking_paper.pk).upvote_count == 0
    # The papers themselves are the catalogue's, not hers.
    assert Paper.objects.filter(pk__in=[upvoted.pk, ranking_paper.pk]).count() == 2
    # Logged out, with a page that says so.
    assert "_auth_user_id" not in client.session
    assertContains(client.get("/account/deleted/"), "Your account has been deleted")


def test_a_deleted_users_subscribe_and_share_links_stop_working(client, alice, alice_list, alice_token):
    from papers.lists.operations import reading_list_share

    share_token = reading_list_share(reading_list=alice_list)
    client.force_login(alice)
    client.post("/account/delete/", {"password": PASSWORD})

    assert client.get(f"/lists/{alice_list.pk}/export.bib?token={alice_token}").status_code == 404
    assert client.get(f"/shared/{share_token}/export.bib").status_code == 404
