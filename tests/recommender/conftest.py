from __future__ import annotations

import pytest

from recommender.interactions import saves_matrix
from recommender.train import RecommenderModel, fit_recommender
from tests.recommender.corpus import CO_SAVERS, PAPERS


@pytest.fixture(scope="session")
def model() -> RecommenderModel:
    return fit_recommender(PAPERS, saves_matrix(CO_SAVERS, len(PAPERS)).positives)
