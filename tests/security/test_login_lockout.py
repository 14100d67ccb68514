"""Login: 5 failures for one username from one address within 15 minutes lock that pair out (django-axes),
and nothing a visitor sees tells an existing username from an unknown one."""

from __future__ import annotations

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
WRONG = "not the password"
INVALID_LOGIN = "Please enter a correct username and password."


def log_in(client: Client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def fail(client: Client, username: str, times: int, **extra):
    return [log_in(client, username, WRONG, **extra) for _ in range(times)]


def page_without_secrets(response, username: str) -> str:
    """The page with what legitimately differs between two requests taken out: the CSRF token and the
    username the visitor typed, which the form shows back."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return html.replace(f'value="{username}"', 'value=""')


def test_four_failures_are_ordinary_wrong_password_errors(client, alice):
    responses = fail(client, "alice", 4)

    for response in responses:
        assert response.status_code == 200
        assertContains(response, INVALID_LOGIN)


def test_the_fifth_failure_locks_the_username_out_from_that_address_with_a_429(client, alice):
    *_, fifth = fail(client, "alice", 5)

    assert fifth.status_code == 429
    assertContains(fifth, "Too many failed logins", status_code=429)
    assertContains(fifth, "paused for 15 minutes", status_code=429)
    assert fifth["Retry-After"] == "900"


def test_even_the_right_password_is_refused_while_locked_out(client, alice):
    fail(client, "alice", 5)

    response = log_in(client, "alice", PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_username_and_address(alice, bob):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    fail(attacker, "alice", 5)

    alice_elsewhere = log_in(Client(REMOTE_ADDR="198.51.100.7"), "alice", PASSWORD)
    bob_same_address = log_in(attacker, "bob", PASSWORD)

    assertRedirects(alice_elsewhere, "/", fetch_redirect_response=False)
    assertRedirects(bob_same_address, "/", fetch_redirect_response=False)


def test_the_count_lives_in_the_database_shared_by_every_process(client, alice):
    fail(client, "alice", 3)

    # A second process would read the same row: the count is not in this process's memory.
    attempt = AccessAttempt.objects.get(username="alice", ip_address="127.0.0.1")
    assert attempt.failures_since_start == 3


def test_the_lockout_ends_after_fifteen_minutes(client, alice):
    fail(client, "alice", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))

    response = log_in(client, "alice", PASSWORD)

    assertRedirects(response, "/", fetch_redirect_response=False)


def test_a_successful_login_starts_the_count_again(client, alice):
    fail(client, "alice", 4)
    log_in(client, "alice", PASSWORD)
    client.post("/accounts/logout/")

    *_, last = fail(client, "alice", 4)

    assert last.status_code == 200
    assertContains(last, INVALID_LOGIN)


def test_an_unknown_username_gets_the_same_error_as_a_wrong_password(alice):
    wrong_password = log_in(Client(), "alice", WRONG)
    unknown_user = log_in(Client(), "nobody-by-this-name", WRONG)

    assert wrong_password.status_code == unknown_user.status_code == 200
    assert page_without_secrets(wrong_password, "alice") == page_without_secrets(
        unknown_user, "nobody-by-this-name"
    )


def test_an_unknown_username_is_locked_out_exactly_like_a_real_one(alice):
    *_, real = fail(Client(REMOTE_ADDR="203.0.113.1"), "alice", 5)
    *_, unknown = fail(Client(REMOTE_ADDR="203.0.113.2"), "nobody-by-this-name", 5)

    assert real.status_code == unknown.status_code == 429
    assert page_without_secrets(real, "alice") == page_without_secrets(unknown, "nobody-by-this-name")


def test_an_inactive_account_gets_the_same_error_as_a_wrong_password(alice):
    alice.is_active = False
    alice.save()

    right_password = log_in(Client(), "alice", PASSWORD)

    assertContains(right_password, INVALID_LOGIN)


def test_the_admin_login_is_locked_out_too(client, alice):
    for _ in range(5):
        response = client.post("/admin/login/", {"username": "alice", "password": WRONG})

    assert response.status_code == 429


def test_behind_a_proxy_the_client_address_is_the_one_the_proxy_added(settings, alice):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    # The attacker writes their own X-Forwarded-For entries; the proxy appends the real address last.
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        response = log_in(
            Client(REMOTE_ADDR=proxy), "alice", WRONG, HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.66"
        )

    other_client = log_in(Client(REMOTE_ADDR=proxy), "alice", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.23")

    assert response.status_code == 429
    assertRedirects(other_client, "/", fetch_redirect_response=False)


def test_a_username_longer_than_any_is_a_wrong_login_not_a_server_error(client, alice):
    # django-axes stores each failed username in a 255-character column and did not cut it: PostgreSQL
    # refused the insert, and the login page answered 500 (found by tests/security/test_url_fuzz.py).
    response = log_in(client, "x" * 5000, WRONG)

    assertContains(response, INVALID_LOGIN)
    assert AccessAttempt.objects.get().username == "x" * 255


def test_five_failures_with_one_over_long_username_still_lock_it_out(client, alice):
    *_, fifth = fail(client, "y" * 300, 5)

    assert fifth.status_code == 429
