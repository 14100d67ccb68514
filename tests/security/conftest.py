"""Personas for the security tests: alice owns things, bob is another user, the client is a stranger."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
HTMX = {"HX-Request": "true"}

# Filled in by the tests and printed at the end of the run: what the crawl covered, and how long the
# very large inputs took (measured and shown, never asserted: machines differ).
CRAWL_STATS: dict[str, int] = {}
TIMINGS: dict[str, float] = {}


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.org")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", email="bob@example.org")


def pytest_terminal_summary(terminalreporter):
    if CRAWL_STATS:
        summary = ", ".join(f"{key} {value}" for key, value in sorted(CRAWL_STATS.items()))
        terminalreporter.write_line(f"URL crawl: {summary}")
    for what, seconds in sorted(TIMINGS.items()):
        terminalreporter.write_line(f"Large input: {what}: {seconds:.3f} s")
