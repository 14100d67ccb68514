"""The database going away after the view has answered, while a middleware still writes (the session
saved on the way out): the reader gets the same 503 page as during a restart, not a server error."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from tests.faults.processes import needs_postgresql

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]


def test_a_connection_lost_after_the_view_gets_the_503_page(settings):
    settings.ROOT_URLCONF = "tests.faults.lost_connection_urls"
    try:
        response = Client(raise_request_exception=False).get("/lost/")
    finally:
        connection.close()  # the test client keeps the dead connection; the next query reconnects

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "briefly unavailable" in response.content.decode()
