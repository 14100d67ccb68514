"""Logins go through Django's own ModelBackend; sessions made before issue 21 name config/auth.py's alias
and stay logged in."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, authenticate, get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def test_a_login_signs_the_session_with_djangos_backend_and_keeps_the_reader_logged_in(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"
    assert client.get("/lists/").wsgi_request.user == alice


def test_a_session_that_names_the_old_backend_stays_logged_in(alice):
    client = Client()
    client.force_login(alice, backend="config.auth.ModelBackend")

    response = client.get("/lists/")

    assert response.status_code == 200
    assert response.wsgi_request.user == alice


def test_a_deactivated_reader_is_logged_out(alice_client, alice):
    alice.is_active = False
    alice.save()

    response = alice_client.get("/lists/")

    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated


def test_a_deleted_reader_is_logged_out(alice_client, alice):
    alice.delete()

    assert not alice_client.get("/").wsgi_request.user.is_authenticated


def test_a_wrong_password_is_checked_once_not_once_per_backend(alice, rf):
    User = get_user_model()
    request = rf.post("/accounts/login/")
    with mock.patch.object(User, "check_password", autospec=True, side_effect=User.check_password) as spy:
        assert authenticate(request, username="alice", password="not the password") is None
        assert authenticate(request, username="alice", password=PASSWORD) == alice

    # The alias kept for old sessions (config/auth.py) never checks a password.
    assert spy.call_count == 2
