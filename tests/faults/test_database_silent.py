"""A database host that accepts the connection and then never answers (a hung server, a half-dead
failover) costs a request seconds, not minutes: the reader gets the 503 page, not a hang until gunicorn
kills the worker.

The silent host is a socket of the test's own on 127.0.0.1 that is listening but never reads or writes.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time

from tests.faults.processes import ROOT, child_env

# One anonymous request in a fresh process, the way a web worker would serve it.
REQUEST = """
import django
django.setup()
from django.test import Client
response = Client(HTTP_HOST="127.0.0.1").get("/")
print(response.status_code, response.get("Retry-After"))
"""


def test_a_database_host_that_never_answers_gets_the_503_page_within_seconds():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # the kernel completes the TCP handshake; nobody ever says anything
        port = silent.getsockname()[1]
        env = child_env(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/papershelf",
            # Development settings: no collected static files needed to render the page.
            DEBUG="true",
            CACHE_URL="db://papershelf_cache",
            CELERY_BROKER_URL="",
        )
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-c", REQUEST], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        elapsed = time.monotonic() - started

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["503", "30"]
    # connect_timeout is 5 s; the rest is the process starting Django. Without it this takes as long as
    # the silent host cares to wait (the test's 120 s timeout).
    assert elapsed < 60, f"the request took {elapsed:.0f} s"
