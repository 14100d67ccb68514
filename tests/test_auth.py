"""The user of each request: config/auth.py's ModelBackend reads them with its own query."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, authenticate, get_user_model
from django.test import Client
from django.utils import timezone

from config.auth import ModelBackend

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def test_the_user_read_is_the_user_the_orm_reads(alice):
    alice.first_name, alice.email, alice.last_login = "Alice", "alice@example.org", timezone.now()
    alice.save()
    User = get_user_model()

    read, expected = ModelBackend().get_user(str(alice.pk)), User.objects.get(pk=alice.pk)

    assert read is not None
    for field in User._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(expected, field.attname), field.attname
    assert read._state.adding is False and read._state.db == expected._state.db


def test_a_login_signs_the_session_with_this_backend_and_keeps_the_reader_logged_in(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "config.auth.ModelBackend"
    assert client.get("/lists/").wsgi_request.user == alice


def test_a_session_logged_in_by_djangos_own_backend_stays_logged_in(alice):
    client = Client()
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")

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

    # Without its stop, Django's ModelBackend (listed after it) would check the wrong password again.
    assert spy.call_count == 2
