"""Where the site sends a reader back to after an action or a sign-up: only ever a path on this site.

The value comes from the client (a form's `next`, htmx's HX-Current-URL, sign-up's `?next=`), so it must be
checked: an address on another site is an open redirect, and one that names no page ("foo") must not
break the response (issue 20, cases 3 and 4).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from pytest_django.asserts import assertRedirects

from tests.accounts.test_signup import choose_password, confirm_path, signup_data
from tests.factories import PaperFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
# Each names our own host (testserver) yet a path that browsers read as another site, or another site.
OFF_SITE = [
    "http://testserver//evil.example/x",
    "HTTP://testserver//evil.example/x",
    "https://testserver//evil.example/x",
    "//evil.example/x",
    "///evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example/x",
    "http:evil.example/x",
    "https://evil.example/x",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_an_action_never_redirects_off_site(alice_client, next_url):
    paper = PaperFactory()

    response = alice_client.post(f"/papers/{paper.pk}/upvote/", {"action": "upvote", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == paper.get_absolute_url()


@pytest.mark.parametrize("current_url", OFF_SITE)
def test_an_htmx_action_never_puts_an_off_site_address_in_the_returned_form(alice_client, current_url):
    paper = PaperFactory()

    response = alice_client.post(
        f"/papers/{paper.pk}/upvote/",
        {"action": "upvote"},
        headers=HTMX | {"HX-Current-URL": current_url},
    )

    assert response.status_code == 200
    nexts = re.findall(rb'name="next" value="([^"]*)"', response.content)
    assert nexts
    assert all(value.decode() == paper.get_absolute_url() for value in nexts), nexts


@pytest.mark.parametrize("current_url", OFF_SITE)
def test_an_anonymous_htmx_action_is_sent_to_log_in_and_then_home(client, current_url):
    paper = PaperFactory()

    response = client.post(
        f"/papers/{paper.pk}/upvote/", {"action": "upvote"}, headers=HTMX | {"HX-Current-URL": current_url}
    )

    assert response["HX-Redirect"] == "/accounts/login/?next=/"


def test_an_address_on_this_site_is_still_returned_to_as_a_path(alice_client):
    paper = PaperFactory()

    response = alice_client.post(
        f"/papers/{paper.pk}/upvote/",
        {"action": "upvote", "next": "http://testserver/day/2024-01-10/?sort=newest"},
    )

    assert response["Location"] == "/day/2024-01-10/?sort=newest"


@pytest.mark.parametrize("next_url", ["foo", "papers:daily", "trending/", *OFF_SITE])
def test_a_signed_in_visitor_to_sign_up_goes_on_to_a_page_of_this_site(client, next_url):
    client.force_login(UserFactory())

    response = client.get("/accounts/signup/", {"next": next_url})

    assertRedirects(response, "/", fetch_redirect_response=False)


@pytest.mark.parametrize("next_url", ["foo", "papers:daily", *OFF_SITE])
def test_the_sign_up_form_drops_a_next_that_is_not_a_page_of_this_site(client, next_url):
    response = client.get("/accounts/signup/", {"next": next_url})

    assert response.status_code == 200
    assert b'name="next"' not in response.content


@pytest.mark.parametrize("next_url", ["foo", "papers:daily", *OFF_SITE])
def test_a_sign_up_started_with_a_bad_next_ends_on_the_home_page(client, mailoutbox, next_url):
    client.post(f"/accounts/signup/?{urlencode({'next': next_url})}", signup_data())

    response = choose_password(client, confirm_path(mailoutbox))

    assertRedirects(response, "/", fetch_redirect_response=False)
    assert "_auth_user_id" in client.session


def test_a_sign_up_started_with_a_good_next_ends_there(client, mailoutbox):
    client.post("/accounts/signup/?next=/trending/", signup_data())

    response = choose_password(client, confirm_path(mailoutbox))

    assertRedirects(response, "/trending/", fetch_redirect_response=False)
