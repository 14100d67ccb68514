"""Shared set-up for the benchmarks: a throwaway PostgreSQL database and Django configured against it.

Benchmarks run on PostgreSQL (the production database) on this machine; pass --database-url to point
elsewhere on 127.0.0.1. The database named in the URL is dropped and created again unless --keep.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PAPERSHELF_SHARED", ROOT.parent / "shared"))
ARXIV_75K = SHARED / "data" / "arxiv_cs_abstracts_75k.jsonl.gz"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/papershelf_bench"
# How the benchmarked server runs: production settings (DEBUG off, static files from the manifest), but
# plain HTTP on 127.0.0.1 and its own Redis databases. bench.load starts gunicorn with it; the in-process
# benchmarks run under it too (`setup_as_server`).
SERVER_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "benchmark-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    # wrk and requests talk plain HTTP to 127.0.0.1: cookies must not be HTTPS-only here.
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/5",
    "CACHE_URL": "redis://127.0.0.1:6379/6",
    "CONN_MAX_AGE": "600",
    "LOG_LEVEL": "WARNING",
}


# The in-process benchmarks' shared cache: a Redis database of their own (bench.load's server: SERVER_ENV).
IN_PROCESS_CACHE_URL = "redis://127.0.0.1:6379/9"


def setup_as_server(url: str, *, cache_url: str = IN_PROCESS_CACHE_URL, fresh: bool = False) -> None:
    """`setup_django` for a benchmark that runs the site in-process as the server runs it (SERVER_ENV),
    with its cache at `cache_url`."""
    os.environ.update(SERVER_ENV)
    os.environ["CACHE_URL"] = cache_url
    setup_django(url, fresh=fresh)


def arguments(doc: str | None) -> argparse.ArgumentParser:
    """A benchmark's command line: its docstring as the help, and --database-url."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    return parser


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str, *, fresh: bool) -> None:
    """Point Django at `url` (recreated when `fresh`) and migrate it."""
    if fresh:
        recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not settings.DEBUG:  # production settings serve static files from the manifest
        call_command("collectstatic", interactive=False, verbosity=0)


@contextmanager
def timed(label: str, results: dict[str, float]) -> Iterator[None]:
    start = time.perf_counter()
    yield
    results[label] = time.perf_counter() - start
    print(f"{label}: {results[label]:.2f} s", flush=True)


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "n": len(ordered),
        "p50_ms": round(q[49], 2),
        "p95_ms": round(q[94], 2),
        "p99_ms": round(q[98], 2),
        "max_ms": round(ordered[-1], 2),
    }


def time_calls(call: Callable[[], object], repeat: int = 1) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples
