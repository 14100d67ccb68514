"""Password reset: at most 5 requests an hour per address and per email address, and the same answer
whether or not an account uses the address."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertRedirects

from tests.security.test_login_lockout import page_without_secrets

pytestmark = pytest.mark.django_db

RESET = "/accounts/password_reset/"


def ask(client: Client, email: str):
    return client.post(RESET, {"email": email})


def test_an_unknown_address_gets_the_same_answer_as_a_known_one_and_no_email(alice, mailoutbox):
    known = ask(Client(), "alice@example.org")
    unknown = ask(Client(), "nobody@example.org")

    assertRedirects(known, "/accounts/password_reset/done/")
    assertRedirects(unknown, "/accounts/password_reset/done/")
    assert [email.to for email in mailoutbox] == [["alice@example.org"]]


def test_the_page_after_asking_does_not_say_whether_the_address_has_an_account(client):
    response = client.get("/accounts/password_reset/done/")

    assertContains(response, "If an account uses that address, we have sent it a link")


def test_five_requests_an_hour_from_one_address_are_served_and_the_sixth_is_refused(alice, mailoutbox):
    client = Client(REMOTE_ADDR="203.0.113.5")
    served = [ask(client, f"someone{number}@example.org") for number in range(5)]

    sixth = ask(client, "alice@example.org")

    assert all(response.status_code == 302 for response in served)
    assert sixth.status_code == 429
    assertContains(sixth, "too many password reset requests", status_code=429)
    assert sixth["Retry-After"] == "3600"
    assert mailoutbox == []


def test_one_email_address_gets_at_most_five_requests_an_hour_from_anywhere(alice, mailoutbox):
    for number in range(5):
        ask(Client(REMOTE_ADDR=f"198.51.100.{number + 1}"), "alice@example.org")

    sixth = ask(Client(REMOTE_ADDR="198.51.100.99"), "ALICE@example.org ")

    assert sixth.status_code == 429
    assert len(mailoutbox) == 5


def test_the_limit_answers_alike_for_known_and_unknown_addresses(alice):
    known, unknown = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(5):
        ask(known, "alice@example.org")
        ask(unknown, "nobody@example.org")

    over_known, over_unknown = ask(known, "alice@example.org"), ask(unknown, "nobody@example.org")

    assert over_known.status_code == over_unknown.status_code == 429
    assert page_without_secrets(over_known, "") == page_without_secrets(over_unknown, "")


def test_showing_the_form_is_not_counted(client):
    for _ in range(10):
        assert client.get(RESET).status_code == 200

    assert ask(client, "nobody@example.org").status_code == 302


def test_a_post_without_a_csrf_token_is_refused_and_not_counted(alice):
    strict = Client(enforce_csrf_checks=True)
    for _ in range(6):
        assert ask(strict, "alice@example.org").status_code == 403

    assert ask(Client(), "alice@example.org").status_code == 302


def test_the_counts_are_kept_in_the_cache_every_process_shares(settings):
    from django.core.cache import caches

    cache = caches[settings.RATELIMIT_USE_CACHE]
    assert type(cache).__name__ not in ("LocMemCache", "DummyCache")
