"""lists/_export_links.html on the owner's list page and on the shared page."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from pytest_django.asserts import assertContains, assertNotContains

from papers.lists.exports import FORMATS
from papers.lists.operations import reading_list_share

pytestmark = pytest.mark.django_db


def render_links(user, reading_list, **extra) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "lists/_export_links.html", {"reading_list": reading_list, "user": user, **extra}, request=request
    )


def test_the_owner_gets_a_link_per_format_and_the_private_subscribe_url(alice, alice_list, alice_token):
    html = render_links(alice, alice_list)

    for fmt in FORMATS:
        assert f'href="/lists/{alice_list.pk}/export.{fmt}"' in html
    assert f"/lists/{alice_list.pk}/export.bib?token={alice_token}" in html


def test_without_a_token_yet_the_owner_is_sent_to_the_account_page(alice, alice_list):
    html = render_links(alice, alice_list)

    assert 'href="/account/#subscribe"' in html
    assert "?token=" not in html


def test_a_shared_page_links_the_public_exports_and_never_the_token(alice, bob, alice_list, alice_token):
    share_token = reading_list_share(reading_list=alice_list)

    for html in (
        render_links(bob, alice_list, shared_token=share_token),
        render_links(alice, alice_list, shared_token=share_token),
        render_links(alice, alice_list, is_owner=False),
    ):
        for fmt in FORMATS:
            assert f'href="/shared/{share_token}/export.{fmt}"' in html
        assert alice_token not in html
        assert f"/lists/{alice_list.pk}/" not in html


def test_the_list_page_and_the_shared_page_include_the_links(client, alice, alice_list, alice_token):
    client.force_login(alice)
    assertContains(client.get(f"/lists/{alice_list.pk}/"), f"export.bib?token={alice_token}")

    share_token = reading_list_share(reading_list=alice_list)
    client.logout()
    response = client.get(f"/shared/{share_token}/")
    assertContains(response, f'href="/shared/{share_token}/export.bib"')
    assertNotContains(response, alice_token)
