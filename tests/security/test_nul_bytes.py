"""A NUL character (%00) in an address, a query parameter, a form value or a cookie is refused with a 400
that says why, before any view or query sees it: PostgreSQL cannot store or compare text holding one, so
each of these answered 500 there (issue 20, case 2)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from papers.models import ReadingList
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

# Every address the issue reported, none of them needing a login.
REPORTED = [
    "/abs/%00/",
    "/abs/2401.%0001/",
    "/abs/x%00v2/",
    "/shared/%00/",
    "/shared/a%00b/export.bib",
    "/shared/%00/feed.atom",
    "/feeds/u/%00/feed.atom",
    "/feeds/u/%00/lists/5.atom",
    "/lists/5/export.bib?token=%00",
]


def refused_for_nul(response) -> bool:
    return response.status_code == 400 and b"NUL" in response.content


@pytest.mark.parametrize("url", REPORTED)
def test_a_nul_in_an_address_is_refused_with_a_400_that_says_why(client, url):
    PaperFactory(arxiv_id="2401.00001")

    response = client.get(url)

    assert refused_for_nul(response), (response.status_code, response.content[:300])


def test_a_nul_in_any_query_parameter_is_refused(client):
    assert refused_for_nul(client.get("/search/?q=grid%00cells"))
    assert refused_for_nul(client.get("/?page=1%00"))
    assert refused_for_nul(client.get("/?a%00b=1"))


def test_a_nul_in_a_form_value_is_refused_and_changes_nothing(alice_client, alice):
    response = alice_client.post("/lists/new/", {"name": "Shelf\x00one", "description": ""})

    assert refused_for_nul(response)
    assert not ReadingList.objects.filter(owner=alice).exists()


def test_a_nul_in_pasted_bibtex_is_refused(alice_client, alice):
    shelf = ReadingList.objects.create(owner=alice, name="Imports")

    response = alice_client.post(
        f"/lists/{shelf.pk}/import/", {"ids": "@misc{x, doi={10.1000/a\x00b}, title={A title}}"}
    )

    assert refused_for_nul(response)


def test_a_nul_in_the_session_cookie_is_refused():
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00ijklmnop"

    assert refused_for_nul(client.get("/"))


def test_the_same_address_without_the_nul_still_works(client):
    paper = PaperFactory(arxiv_id="2401.00001")

    assert refused_for_nul(client.get("/abs/2401.%0000001/"))
    assert client.get("/abs/2401.00001/").context["paper"] == paper
