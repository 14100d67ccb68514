from __future__ import annotations

import io

import numpy as np
import pytest

from recommender.artifact_format import model_from_bytes, model_to_bytes
from recommender.features import PaperText
from recommender.interactions import saves_matrix
from recommender.scoring import score_user, similar_items
from tests.recommender.corpus import PAPERS


def test_the_model_round_trips_through_bytes_with_identical_scores(model):
    restored = model_from_bytes(model_to_bytes(model))
    positives = saves_matrix([[0, 5]], len(PAPERS)).positives
    np.testing.assert_array_equal(score_user(restored, positives), score_user(model, positives))
    np.testing.assert_array_equal(similar_items(restored, [3]).items, similar_items(model, [3]).items)
    assert restored.settings == model.settings


def test_a_restored_model_transforms_new_papers_like_the_original(model):
    restored = model_from_bytes(model_to_bytes(model))
    paper = [
        PaperText("Spiking neural networks for robot control", "Neuromorphic policies.", ("Ada Lovelace",))
    ]
    assert (restored.features.transform(paper) != model.features.transform(paper)).nnz == 0


def test_a_blob_from_another_format_version_is_refused(model):
    with np.load(io.BytesIO(model_to_bytes(model))) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["format_version"] = np.array(99)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    with pytest.raises(ValueError, match="format 99"):
        model_from_bytes(buffer.getvalue())


def test_an_artifact_from_before_pivoted_normalisation_keeps_transforming_with_cosine(model):
    with np.load(io.BytesIO(model_to_bytes(model))) as npz:
        arrays = {k: npz[k] for k in npz.files if k != "features.words.pivot"}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    restored = model_from_bytes(buffer.getvalue())
    assert restored.features.settings.length_pivot_slope == 1.0
    row = restored.features.transform([PaperText("Spiking neural networks", "Neuromorphic chips.")])
    assert np.sqrt(row.multiply(row).sum()) == pytest.approx(1.0, abs=1e-5)
