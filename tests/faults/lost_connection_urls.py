"""The site's URLconf (and its error handlers) plus one page whose database connection dies while the
page is being answered, after the view has returned; for test_connection_lost_after_the_view."""

from __future__ import annotations

import psycopg
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config import urls as site
from tests.faults.processes import database_url


def connection_lost_on_the_way_out(request: HttpRequest) -> HttpResponse:
    # The session middleware saves a changed session after the view, on this request's connection...
    request.session["visited"] = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    # ...which PostgreSQL ends now, as it does to every connection when it restarts.
    with psycopg.connect(database_url(NAME="postgres"), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    return HttpResponse("the view itself succeeded")


urlpatterns = [path("lost/", connection_lost_on_the_way_out), *site.urlpatterns]
handler500 = site.handler500
