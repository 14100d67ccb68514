"""A small catalogue every serving test browses: papers listed on one day, alice's feed over them, and
the similar papers of the first one."""

from __future__ import annotations

import datetime

import pytest

from recommender.models import SimilarPaper
from tests.factories import PaperFactory
from tests.feed.corpus import model_version, recommend

DAY = datetime.date(2024, 1, 10)


@pytest.fixture
def listed(db):
    """Six papers listed on DAY, all about transformers (so one search finds every one)."""
    return [
        PaperFactory(
            title=f"Transformer attention study {n}",
            abstract=f"Transformers attend to tokens; this is study number {n} of attention layers.",
            listed_on=DAY,
            published_on=DAY,
            source_upvotes=n,
        )
        for n in range(6)
    ]


@pytest.fixture
def served(listed, alice):
    """A current model: alice's feed holds papers 1-5, and paper 0's similar papers are 1-3."""
    version = model_version()
    recommend(alice, listed[1:], version)
    SimilarPaper.objects.bulk_create(
        SimilarPaper(paper=listed[0], similar=other, version=version, rank=rank, score=1.0 / rank)
        for rank, other in enumerate(listed[1:4], start=1)
    )
    return version
