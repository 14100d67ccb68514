from __future__ import annotations

import numpy as np
import pytest

from recommender.features import FeatureSettings, PaperText, fit_text_features
from tests.recommender.corpus import PAPERS


def _norms(matrix):
    return np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())


def test_rows_are_unit_length_with_plain_cosine_normalisation():
    _, matrix = fit_text_features(PAPERS, FeatureSettings(length_pivot_slope=1.0))
    assert _norms(matrix) == pytest.approx(np.ones(len(PAPERS)), abs=1e-5)


def test_pivoted_normalisation_gives_papers_with_more_text_more_weight():
    papers = [
        PaperText("Spiking neural networks"),
        PaperText("Spiking neural networks for event cameras", "Event cameras emit sparse spikes."),
        PaperText("Graph neural networks"),
        PaperText("Event cameras and spikes", "Sparse spikes from event cameras."),
    ]
    features, matrix = fit_text_features(papers, FeatureSettings(min_df=1))
    norms = _norms(matrix)
    assert norms[1] > norms[0]
    # An average paper stays near unit length, and a refit-free transform reproduces the rows.
    assert np.mean(norms) == pytest.approx(1.0, abs=0.2)
    assert abs(features.transform(papers) - matrix).max() < 1e-6


def test_a_block_with_no_shared_terms_is_switched_off_instead_of_failing():
    papers = [
        PaperText("Spiking networks", authors=("A One",)),
        PaperText("Spiking neurons", authors=("B Two",)),
    ]
    features, matrix = fit_text_features(papers)
    assert features.vectorizers["authors"] is None
    assert matrix.shape == (2, features.n_features)


def test_character_n_grams_never_show_up_as_readable_terms():
    features, _ = fit_text_features(PAPERS)
    start, stop = features.block_offsets()["title_chars"]
    assert set(features.terms()[start:stop]) == {""}
    assert "spiking" in set(features.terms())


def test_topic_words_land_in_the_words_block():
    features, _ = fit_text_features(PAPERS)
    row = features.transform_words("reinforcement learning")
    start, stop = features.block_offsets()["words"]
    assert row.nnz > 0
    assert all(start <= column < stop for column in row.indices)
