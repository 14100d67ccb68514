"""Property-based tests: arbitrary input to every importer, form and form-handling view.

Modest example counts keep the folder fast; `database=None` keeps Hypothesis from writing an example
database into the working tree (a failure prints the example and a blob to reproduce it instead).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings

settings.register_profile(
    "papershelf",
    max_examples=50,
    deadline=None,
    database=None,
    print_blob=True,
    # Examples share pytest-django's per-test transaction; each one that writes rolls itself back.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("papershelf")


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run one example in a savepoint that is rolled back, so examples cannot see each other's rows."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def alice(db):
    from tests.factories import UserFactory

    return UserFactory(username="alice", email="alice@example.org")
