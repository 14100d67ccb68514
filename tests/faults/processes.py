"""Real processes for the fault tests: a child runs our own code (manage.py, celery, gunicorn) against the
test database, and is always gone when the test ends, whatever happened in it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent

needs_postgresql = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL (set DATABASE_URL): a second process cannot open pytest's SQLite test database, "
    "which lives in memory",
)


def database_url(**overrides: object) -> str:
    """A DATABASE_URL for the database this test runs on (pytest's test database, once it exists)."""
    db = {**connection.settings_dict, **overrides}
    auth = quote(str(db["USER"] or ""), safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(str(db["PASSWORD"]), safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env(**variables: str | Path) -> dict[str, str]:
    """The environment of a child process: ours, plus `variables`.

    With a cache server (CACHE_URL) the child shares this test's keys (its key prefix, see
    tests/conftest.py), as every process of a deployment shares one cache: what it invalidates is gone
    for this process too."""
    env = {**os.environ, "DEBUG": "true", "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "WARNING"}
    prefix = settings.CACHES["default"].get("KEY_PREFIX")
    if env.get("CACHE_URL") and prefix:
        env["CACHE_URL"] = f"{env['CACHE_URL'].split('?')[0]}?key_prefix={prefix}"
    env.update({name: str(value) for name, value in variables.items()})
    return env


def start(args: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start `args` in the project directory, in a process group of its own (one signal reaches the
    whole process tree: a Celery worker and its pool, gunicorn and its workers)."""
    handle = log.open("ab")
    try:
        return subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
    finally:
        handle.close()


def signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def stop(process: subprocess.Popen[bytes], *, timeout: float = 10) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left of it."""
    if process.poll() is None:
        signal_group(process, signal.SIGTERM)
        signal_group(process, signal.SIGCONT)  # a test that failed may have left it stopped
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout)
    signal_group(process, signal.SIGKILL)  # the group's other members, even once the leader has gone
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout)


@contextlib.contextmanager
def running(args: list[str], *, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    process = start(args, env=env, log=log)
    try:
        yield process
    finally:
        stop(process)


def wait_until(
    condition: Callable[[], object], *, timeout: float, what: str, log: Path | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{tail}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
