"""Sign-up must not tell a visitor whether an email address has an account. Every valid form gets the same
answer and creates nothing; the new address gets a link, the registered one a notice. Only a taken
username is reported: usernames are public handles."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.asserts import assertContains, assertRedirects

from tests.security.test_login_lockout import page_without_secrets

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"


def sign_up(client: Client, username: str, email: str):
    return client.post(SIGNUP, {"username": username, "email": email})


def test_a_registered_address_and_a_new_one_get_the_same_answer(alice):
    registered = sign_up(Client(), "newcomer1", "alice@example.org")
    new = sign_up(Client(), "newcomer2", "fresh@example.org")

    assertRedirects(registered, "/accounts/signup/done/")
    assertRedirects(new, "/accounts/signup/done/")
    assert page_without_secrets(Client().get(registered["Location"]), "") == page_without_secrets(
        Client().get(new["Location"]), ""
    )


def test_neither_creates_anything_so_the_username_stays_free_either_way(alice):
    sign_up(Client(), "newcomer", "alice@example.org")
    sign_up(Client(), "newcomer", "fresh@example.org")

    # A second attempt with the same username tells nothing either: nothing holds it yet.
    again = sign_up(Client(), "newcomer", "third@example.org")

    assert list(User.objects.values_list("username", flat=True)) == ["alice"]
    assertRedirects(again, "/accounts/signup/done/")


def test_the_owner_of_a_registered_address_is_told_and_pointed_to_a_password_reset(alice, mailoutbox):
    sign_up(Client(), "newcomer", "ALICE@example.org")

    (notice,) = mailoutbox
    assert notice.to == ["alice@example.org"]
    assert notice.subject == "Someone tried to sign up to Papershelf with your address"
    assert "No new account was created" in notice.body
    assert "http://testserver/accounts/password_reset/" in notice.body
    assert "/accounts/signup/confirm/" not in notice.body


def test_a_new_address_gets_a_link_that_alone_creates_the_account(mailoutbox):
    sign_up(Client(), "newcomer", "fresh@example.org")

    (email,) = mailoutbox
    assert email.to == ["fresh@example.org"]
    assert "http://testserver/accounts/signup/confirm/" in email.body
    assert not User.objects.exists()


def test_following_the_link_writes_nothing_until_the_password_is_posted(client, mailoutbox):
    sign_up(client, "newcomer", "fresh@example.org")
    path = mailoutbox[0].body.split("http://testserver", 1)[1].split()[0]

    for _ in range(3):
        assertContains(client.get(path), "Choose your password")

    assert not User.objects.exists()


def test_a_taken_username_is_reported_whoever_owns_the_address(alice):
    with_her_address = sign_up(Client(), "alice", "alice@example.org")
    with_a_new_one = sign_up(Client(), "alice", "fresh@example.org")

    for response in (with_her_address, with_a_new_one):
        assertContains(response, "A user with that username already exists.")
    assert page_without_secrets(with_her_address, "alice@example.org") == page_without_secrets(
        with_a_new_one, "fresh@example.org"
    )


def test_one_address_gets_at_most_three_sign_up_emails_an_hour_and_the_answer_never_changes(
    alice, mailoutbox
):
    responses = [
        sign_up(Client(REMOTE_ADDR=f"198.51.100.{n}"), f"user{n}", "alice@example.org") for n in range(5)
    ]

    assert all(response.status_code == 302 for response in responses)
    assert len(mailoutbox) == 3


def test_twenty_sign_ups_an_hour_from_one_address_then_a_429(mailoutbox):
    client = Client(REMOTE_ADDR="203.0.113.20")
    served = [sign_up(client, f"user{n}", f"user{n}@example.org") for n in range(20)]

    refused = sign_up(client, "user20", "user20@example.org")

    assert all(response.status_code == 302 for response in served)
    assert refused.status_code == 429
    assertContains(refused, "too many sign-up attempts", status_code=429)
    assert len(mailoutbox) == 20
