from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from papers.models import ReadingListItem

pytestmark = pytest.mark.django_db


def test_sharing_creates_an_unguessable_link_the_owner_sees(alice_client, alices_list):
    response = alice_client.post(f"/lists/{alices_list.pk}/share/", follow=True)

    alices_list.refresh_from_db()
    assert len(alices_list.share_token) >= 40
    assertContains(response, f"http://testserver/shared/{alices_list.share_token}/")
    assertContains(response, "Stop sharing")


def test_anyone_with_the_link_reads_the_list_without_notes_or_statuses(client, alices_item):
    alices_item.note = "my private thoughts"
    alices_item.status = ReadingListItem.Status.ABANDONED
    alices_item.save()
    reading_list = alices_item.reading_list
    reading_list.share_token = "t" * 43
    reading_list.save()

    response = client.get(f"/shared/{'t' * 43}/")

    assert response.status_code == 200
    assertContains(response, reading_list.name)
    assertContains(response, alices_item.paper.title)
    assertNotContains(response, "my private thoughts")
    assertNotContains(response, "Abandoned")
    assertNotContains(response, "alice")
    assertNotContains(response, '<form class="status-picker"')
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"]


def test_a_bad_token_is_a_404(client, alices_list):
    alices_list.share_token = "right-token"
    alices_list.save()

    assert client.get("/shared/wrong-token/").status_code == 404


def test_an_unshared_list_has_no_link_that_works(client, alices_list):
    assert alices_list.share_token is None
    assert client.get("/shared/None/").status_code == 404


def test_unsharing_revokes_the_old_link_for_good(alice_client, client, alices_list):
    alice_client.post(f"/lists/{alices_list.pk}/share/")
    alices_list.refresh_from_db()
    old_token = alices_list.share_token

    alice_client.post(f"/lists/{alices_list.pk}/unshare/")
    alice_client.post(f"/lists/{alices_list.pk}/share/")

    alices_list.refresh_from_db()
    assert alices_list.share_token != old_token
    assert client.get(f"/shared/{old_token}/").status_code == 404


def test_sharing_twice_keeps_the_same_link(alice_client, alices_list):
    alice_client.post(f"/lists/{alices_list.pk}/share/")
    alices_list.refresh_from_db()
    token = alices_list.share_token

    alice_client.post(f"/lists/{alices_list.pk}/share/")

    alices_list.refresh_from_db()
    assert alices_list.share_token == token


def test_the_shared_page_links_to_the_public_exports_only(client, alices_list):
    alices_list.share_token = "s" * 43
    alices_list.save()

    response = client.get(f"/shared/{'s' * 43}/")

    assertContains(response, f"/shared/{'s' * 43}/export.")
    assertNotContains(response, f"/lists/{alices_list.pk}/")
