"""Pages that show a reader's own data may be kept by no cache, shared or the browser's: every response to
a logged-in reader says `Cache-Control: private, no-store` (issue 20, case 5). A proxy or CDN that ignored
`Vary: Cookie` would otherwise hand /account/, with its secret feed-token URLs, to the next visitor."""

from __future__ import annotations

import pytest
from django.urls import reverse

from papers.models import Profile, ReadingList
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db


def uncacheable(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


@pytest.fixture
def shelf(alice) -> ReadingList:
    return ReadingList.objects.create(owner=alice, name="Thesis")


def private_urls(shelf: ReadingList) -> list[str]:
    paper = PaperFactory()
    return [
        "/account/",
        "/account/digest/",
        "/account/delete/",
        "/account/export.json",
        "/accounts/password_change/",
        "/accounts/password_change/done/",
        "/lists/",
        "/lists/new/",
        f"/lists/{shelf.pk}/",
        f"/lists/{shelf.pk}/edit/",
        f"/lists/{shelf.pk}/delete/",
        f"/lists/{shelf.pk}/import/",
        f"/lists/{shelf.pk}/export.bib",
        f"/papers/{paper.pk}/save/",
        "/hidden/",
        "/feed/",
        "/onboarding/",
        # Public pages, but as a reader sees them: their upvotes, their saves, their name.
        "/",
        "/trending/",
        "/search/?q=neural",
        paper.get_absolute_url(),
    ]


def test_every_page_a_logged_in_reader_gets_is_private_and_not_stored(alice_client, shelf):
    answered = {url: alice_client.get(url, follow=True) for url in private_urls(shelf)}

    assert all(response.status_code == 200 for response in answered.values()), {
        url: response.status_code for url, response in answered.items()
    }
    cacheable = [url for url, response in answered.items() if not uncacheable(response)]
    assert not cacheable, cacheable


def test_a_private_list_export_by_token_is_not_stored_either(client, alice, shelf):
    token = Profile.for_user(alice).feed_token

    response = client.get(f"/lists/{shelf.pk}/export.bib", {"token": token})

    assert response.status_code == 200
    assert uncacheable(response)


def test_the_account_page_with_its_feed_tokens_is_not_stored(alice_client):
    response = alice_client.get(reverse("papers:account"))

    assert response.status_code == 200
    assert uncacheable(response)
    assert "no-cache" in response["Cache-Control"]


def test_public_pages_stay_cacheable_for_visitors_who_are_not_logged_in(client):
    PaperFactory()

    for url in ("/", "/trending/", "/feeds/daily.atom"):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", ""), url
