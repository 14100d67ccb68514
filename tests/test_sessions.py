"""Sessions: Django's database sessions keep a reader logged in, and an expired or unknown one does not."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_a_reader_stays_logged_in_from_page_to_page(alice_client):
    for path in ("/", "/lists/", "/hidden/"):
        response = alice_client.get(path)
        assert response.status_code == 200
        assert response.wsgi_request.user.username == "alice"


def test_an_expired_session_logs_the_reader_out_and_a_new_one_replaces_it(alice_client):
    key = alice_client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = alice_client.get("/lists/")

    assert response.status_code == 302  # to the login page
    assert not response.wsgi_request.user.is_authenticated
    assert response.wsgi_request.session.session_key != key


def test_an_unknown_session_key_is_a_visitor_who_is_not_logged_in(client):
    client.cookies["sessionid"] = "x" * 32

    response = client.get("/")

    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
