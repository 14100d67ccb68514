"""Personas and the corpus (tests/feed/corpus.py) as fixtures for the feed and onboarding tests.

alice is the reader whose feed we look at, bob is another reader, and the "readers" give the
collaborative part something to learn from. `trained` runs the real nightly training on the corpus;
tests about reading stored rows write them with corpus.model_version and corpus.recommend.
"""

from __future__ import annotations

import pytest

from recommender import artifact_store
from tests.factories import UserFactory
from tests.feed.corpus import (
    DAY,
    GRAPHS,
    PROTEINS,
    ROBOTS,
    SPIKING,
    TRANSLATION,
    Corpus,
    make_papers,
    save,
)
from tests.lists.conftest import paper  # noqa: F401  (the paper test_hidden dismisses)


@pytest.fixture(autouse=True)
def _artifacts_in_a_temporary_directory(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Version ids repeat between tests (rolled-back sequences on SQLite): never serve a previous test's model.
    artifact_store.forget_loaded_models()
    yield
    artifact_store.forget_loaded_models()


@pytest.fixture
def corpus(db) -> Corpus:
    return Corpus(
        spiking=make_papers(SPIKING, "cs.NE"),
        proteins=make_papers(PROTEINS, "q-bio.BM"),
        graphs=make_papers(GRAPHS, "cs.LG"),
        translation=make_papers(TRANSLATION, "cs.CL"),
        robots=make_papers(ROBOTS, "cs.RO"),
    )


@pytest.fixture
def readers(corpus):
    """Other readers with saves, so the collaborative part and the popularity prior have data."""
    carol, dave, erin = (UserFactory(username=name) for name in ("carol", "dave", "erin"))
    save(carol, *corpus.translation, corpus.graphs[0])
    save(dave, *corpus.robots, corpus.translation[1])
    save(erin, *corpus.graphs, corpus.proteins[0])
    return [carol, dave, erin]


@pytest.fixture
def trained(corpus, readers, alice):
    """Alice saved two spiking-network papers; then the nightly training ran."""
    from recommender.nightly import train_and_publish

    save(alice, corpus.spiking[0], corpus.spiking[1])
    return train_and_publish(today=DAY)
