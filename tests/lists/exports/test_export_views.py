"""The export URLs: the owner's download, the token URL for reference managers, shared lists."""

from __future__ import annotations

import json

import pytest
import rispy
from pytest_django.asserts import assertRedirects

from papers.lists.exports import FORMATS
from papers.lists.operations import reading_list_share, reading_list_unshare
from papers.models import Profile, ReadingList

pytestmark = pytest.mark.django_db


def export_url(reading_list: ReadingList, fmt: str = "bib") -> str:
    return f"/lists/{reading_list.pk}/export.{fmt}"


def test_the_owner_downloads_the_bibtex_as_an_attachment_named_after_the_list(client, alice, alice_list):
    client.force_login(alice)

    response = client.get(export_url(alice_list))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="thesis-chapter-2.bib"'
    body = response.content.decode()
    assert body.startswith("@misc{lovelace2024learning,")
    assert "eprint = {2401.01234}" in body
    # The owner's own export carries their private note.
    assert "annote = {SECRET-NOTE: compare with ch. 3}" in body


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_downloads_with_its_content_type_and_extension(client, alice, alice_list, fmt):
    client.force_login(alice)

    response = client.get(export_url(alice_list, fmt))

    assert response.status_code == 200
    assert response["Content-Type"].startswith(FORMATS[fmt].content_type)
    assert response["Content-Disposition"].endswith(f'.{FORMATS[fmt].extension}"')
    assert "no-store" in response["Cache-Control"]


def test_the_owners_markdown_shows_status_and_note(client, alice, alice_list):
    client.force_login(alice)

    body = client.get(export_url(alice_list, "md")).content.decode()

    assert body.startswith("# Thesis: chapter 2\n")
    assert "Status: Reading" in body
    assert "> SECRET-NOTE: compare with ch. 3" in body


def test_an_unknown_format_is_a_404(client, alice, alice_list):
    client.force_login(alice)

    assert client.get(export_url(alice_list, "docx")).status_code == 404
    assert (
        client.get(
            export_url(alice_list, "docx") + f"?token={Profile.for_user(alice).feed_token}"
        ).status_code
        == 404
    )


def test_the_token_url_works_without_logging_in(client, alice_list, alice_token):
    response = client.get(export_url(alice_list, "ris") + f"?token={alice_token}")

    assert response.status_code == 200
    (record,) = rispy.loads(response.content.decode())
    assert record["note"] == "arXiv:2401.01234"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.parametrize("token", ["wrong", "", "x" * 43])
def test_a_wrong_or_empty_token_is_a_404(client, alice_list, alice_token, token):
    assert client.get(export_url(alice_list) + f"?token={token}").status_code == 404


def test_a_wrong_token_is_a_404_even_for_the_logged_in_owner(client, alice, alice_list):
    client.force_login(alice)

    assert client.get(export_url(alice_list) + "?token=stale").status_code == 404


def test_a_regenerated_token_invalidates_the_old_url(client, alice, alice_list, alice_token):
    Profile.for_user(alice).regenerate_feed_token()

    assert client.get(export_url(alice_list) + f"?token={alice_token}").status_code == 404


def test_another_users_list_is_a_404_when_logged_in_as_someone_else(client, bob, alice_list):
    client.force_login(bob)

    assert client.get(export_url(alice_list)).status_code == 404


def test_another_users_token_does_not_open_this_list(client, bob, alice_list):
    bobs_token = Profile.for_user(bob).feed_token

    assert client.get(export_url(alice_list) + f"?token={bobs_token}").status_code == 404


def test_without_a_session_or_token_it_asks_to_log_in(client, alice_list):
    response = client.get(export_url(alice_list))

    assertRedirects(
        response, f"/accounts/login/?next={export_url(alice_list)}", fetch_redirect_response=False
    )


def test_a_list_that_does_not_exist_is_a_404(client, alice):
    client.force_login(alice)

    assert client.get("/lists/999999/export.bib").status_code == 404


def test_post_is_not_allowed(client, alice, alice_list):
    client.force_login(alice)

    assert client.post(export_url(alice_list)).status_code == 405


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_shared_export_never_contains_the_private_note_or_status(client, alice_list, fmt):
    token = reading_list_share(reading_list=alice_list)

    response = client.get(f"/shared/{token}/export.{fmt}")

    assert response.status_code == 200
    body = response.content.decode()
    assert "2401.01234" in body
    assert "SECRET-NOTE" not in body
    assert "Reading" not in body.replace("Learning to Rank", "")


def test_a_shared_csl_json_export_has_no_annotation(client, alice_list):
    token = reading_list_share(reading_list=alice_list)

    items = json.loads(client.get(f"/shared/{token}/export.json").content)

    assert [item["number"] for item in items] == ["arXiv:2401.01234"]
    assert "annote" not in items[0]


def test_a_shared_export_is_a_404_after_the_link_is_revoked(client, alice_list):
    token = reading_list_share(reading_list=alice_list)
    assert client.get(f"/shared/{token}/export.bib").status_code == 200

    reading_list_unshare(reading_list=alice_list)

    assert client.get(f"/shared/{token}/export.bib").status_code == 404


def test_a_made_up_share_token_is_a_404(client, alice_list):
    reading_list_share(reading_list=alice_list)

    assert client.get("/shared/not-a-token/export.bib").status_code == 404


def test_an_export_reads_the_list_in_a_fixed_number_of_queries(
    client, alice, alice_list, django_assert_max_num_queries
):
    from papers.lists.operations import reading_list_add
    from tests.factories import PaperFactory

    for _ in range(20):
        reading_list_add(reading_list=alice_list, paper=PaperFactory())
    client.force_login(alice)

    # Session, user, the list, its items with their papers.
    with django_assert_max_num_queries(5):
        response = client.get(export_url(alice_list))

    assert response.content.decode().count("@misc{") == 21
