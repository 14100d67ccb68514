"""PostgreSQL restarted under a running site: while it is down every request gets a quick, plain 503 page;
once it is back the same gunicorn workers serve again, with the readers still logged in.

The site is the real thing (gunicorn, two workers, production settings) on a PostgreSQL cluster of the
test's own, since the test stops it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.faults.cluster import postgres_bin, throwaway_cluster
from tests.faults.processes import ROOT, VENV_BIN, child_env, free_port, running, wait_until

pytestmark = pytest.mark.skipif(
    postgres_bin() is None,
    reason="needs PostgreSQL's server programs (initdb, pg_ctl) to run a cluster of its own",
)

USERNAME, PASSWORD = "reader", "a reader's password"
PAGES = ["/", "/trending/", "/account/"]  # the last needs the session, read from the database


def server_env(cluster, static_root: Path) -> dict[str, str]:
    return child_env(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=cluster.url,
        DEBUG="false",
        SECRET_KEY="fault-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on 127.0.0.1: no redirect to HTTPS, cookies not HTTPS-only.
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        CONN_MAX_AGE="600",
        CACHE_URL="db://papershelf_cache",
        CELERY_BROKER_URL="",
        STATIC_ROOT=static_root,
    )


# The deploy steps of the README, in one process (each `manage.py` start costs seconds on a busy machine).
PREPARE = f"""
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("createcachetable")
call_command("collectstatic", interactive=False, verbosity=0)
call_command("create_demo_account", username={USERNAME!r}, password={PASSWORD!r})
"""


def prepare(env: dict[str, str]) -> None:
    result = subprocess.run([sys.executable, "-c", PREPARE], cwd=ROOT, env=env, capture_output=True)
    assert result.returncode == 0, result.stderr.decode()


def log_in(base: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, page.text
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text
    return session


def gunicorn_workers(master_pid: int) -> set[int]:
    return {int(pid) for pid in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()}


def answers(session: requests.Session, base: str) -> list[tuple[str, requests.Response, float]]:
    """Every page, twice over (so both workers answer): (path, response, seconds)."""
    results = []
    for path in PAGES * 3:
        started = time.monotonic()
        response = session.get(f"{base}{path}", allow_redirects=False, timeout=10)
        results.append((path, response, time.monotonic() - started))
    return results


def test_requests_fail_cleanly_while_postgresql_restarts_and_the_site_recovers_by_itself(tmp_path):
    with throwaway_cluster() as cluster:
        env = server_env(cluster, tmp_path / "static")
        prepare(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = tmp_path / "gunicorn.log"
        server_args = [str(VENV_BIN / "gunicorn"), "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"]
        with running(server_args, env=env, log=log) as server:

            def up() -> bool:
                try:
                    return requests.get(f"{base}/", timeout=10).status_code == 200
                except requests.RequestException:
                    return False

            wait_until(up, timeout=60, what="gunicorn to serve", log=log)
            reader = log_in(base)
            for path, response, _ in answers(reader, base):
                assert response.status_code == 200, (path, response.status_code)
            workers = gunicorn_workers(server.pid)
            assert len(workers) == 2

            cluster.stop()
            for path, response, seconds in answers(reader, base):
                assert response.status_code == 503, (path, response.status_code, response.text[:2000])
                assert seconds < 2, f"{path} took {seconds:.1f} s while the database was down"
                assert "Papershelf is briefly unavailable" in response.text
                assert "Traceback" not in response.text and "OperationalError" not in response.text
                assert response.headers["Retry-After"] == "30"

            cluster.start()
            for path, response, _ in answers(reader, base):
                assert response.status_code == 200, (path, response.status_code, response.text[:2000])
                if path == "/account/":
                    assert USERNAME in response.text, "the reader is still logged in"
            assert server.poll() is None and gunicorn_workers(server.pid) == workers, "no worker restarted"
