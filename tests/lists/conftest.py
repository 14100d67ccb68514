"""Personas for the reading list tests: alice owns things, bob is a stranger to them."""

from __future__ import annotations

import pytest

from papers.lists.operations import default_reading_list
from tests.factories import PaperFactory, ReadingListFactory, ReadingListItemFactory

HTMX = {"HX-Request": "true"}


@pytest.fixture
def paper(db):
    return PaperFactory(title="Grid cells as a metric for space")


@pytest.fixture
def alices_list(alice):
    return ReadingListFactory(owner=alice, name="Navigation")


@pytest.fixture
def alices_default(alice):
    return default_reading_list(alice)


@pytest.fixture
def alices_item(alices_list, paper):
    return ReadingListItemFactory(reading_list=alices_list, paper=paper)
