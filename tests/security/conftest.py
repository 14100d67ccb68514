"""Personas for the security tests: alice owns things, bob is another user, the client is a stranger."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.factories import UserFactory
from tests.security.world import World, build_world

PASSWORD = "correct horse battery staple"
HTMX = {"HX-Request": "true"}

# Filled in by the tests and printed at the end of the run: what the crawl covered, and how long the
# very large inputs took (measured and shown, never asserted: machines differ).
CRAWL_STATS: dict[str, int] = {}
TIMINGS: dict[str, float] = {}


@dataclass
class FuzzStats:
    """What the URL fuzz (test_url_fuzz.py) sent, how long it took, and its slowest request."""

    patterns: int = 0
    personas: int = 0
    values: int = 0
    requests: int = 0
    seconds: float = 0.0
    slowest: tuple[float, str] = (0.0, "")


FUZZ_STATS = FuzzStats()


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.org")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", email="bob@example.org")


@pytest.fixture
def world(db) -> World:
    return build_world()


def pytest_terminal_summary(terminalreporter):
    if CRAWL_STATS:
        summary = ", ".join(f"{key} {value}" for key, value in sorted(CRAWL_STATS.items()))
        terminalreporter.write_line(f"URL crawl: {summary}")
    if FUZZ_STATS.requests:
        stats = FUZZ_STATS
        terminalreporter.write_line(
            f"URL fuzz: {stats.patterns} URL patterns x {stats.personas} personas x {stats.values} hostile "
            f"values: {stats.requests} requests in {stats.seconds:.1f} s; slowest {stats.slowest[0]:.3f} s "
            f"({stats.slowest[1]})"
        )
    for what, seconds in sorted(TIMINGS.items()):
        terminalreporter.write_line(f"Large input: {what}: {seconds:.3f} s")
