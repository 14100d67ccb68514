from __future__ import annotations

import numpy as np
import pytest

from recommender.evaluate import evaluate, recall_at
from recommender.features import PaperText
from recommender.tuning import leave_last_out

# Three topics of two papers; nothing links the topics, so the first recommendation for a reader of one
# paper is its partner.
PAPERS = [
    PaperText("Spiking neurons event cameras"),
    PaperText("Spiking neurons surrogate gradients"),
    PaperText("Protein folding diffusion"),
    PaperText("Protein structure diffusion"),
    PaperText("Bayesian hyperparameter optimisation"),
    PaperText("Bayesian optimisation noise"),
]
TRAIN = [[0], [2], [4], [5], [2], [2], [4]]
TEST = [[1, 2], [3], [], [4, 0, 2], [], [], []]


def test_recall_divides_by_all_of_the_users_test_items_not_by_the_cutoff():
    ranked = np.array([[7, 1, 2, 3], [5, 6, 8, 9]])
    recall = recall_at(ranked, [[1, 4, 5, 6, 8], [5]], cutoffs=(1, 2, 4))
    # user 0: 0 of 5 at 1, 1 of 5 at 2 and 4; user 1: 1 of 1 everywhere.
    assert recall == {
        "recall@1": pytest.approx(0.5),
        "recall@2": pytest.approx(0.6),
        "recall@4": pytest.approx(0.6),
    }


def test_users_without_test_items_are_left_out_of_the_average():
    ranked = np.array([[1, 2], [1, 2]])
    assert recall_at(ranked, [[1], []], cutoffs=(1,)) == {"recall@1": 1.0}


def test_padding_never_counts_as_a_hit():
    assert recall_at(np.array([[-1, -1]]), [[3]], cutoffs=(2,)) == {"recall@2": 0.0}


def test_evaluate_matches_recall_computed_by_hand():
    report = evaluate(PAPERS, TRAIN, TEST, cutoffs=(1, 5))
    # Ranker, top 1: user 0 gets 1 (1 of 2 test items), user 1 gets 3 (1 of 1), user 3 gets 4 (1 of 3).
    assert report.ranker["recall@1"] == pytest.approx((1 / 2 + 1 + 1 / 3) / 3)
    # Five candidates are left once the training paper is dropped, so all test items are in the top 5.
    assert report.ranker["recall@5"] == pytest.approx(1.0)
    # Most popular (saves: 2 -> 3, 4 -> 2, 0 and 5 -> 1): user 0 gets 2, user 1 gets 4, user 3 gets 2.
    assert report.baselines["most_popular"]["recall@1"] == pytest.approx((1 / 2 + 0 + 1 / 3) / 3)
    assert report.baselines["random"]["recall@5"] == pytest.approx(1.0)
    assert report.evaluated_users == 3


def test_the_random_baseline_is_reproducible():
    first = evaluate(PAPERS, TRAIN, TEST, cutoffs=(1, 2)).baselines["random"]
    assert evaluate(PAPERS, TRAIN, TEST, cutoffs=(1, 2)).baselines["random"] == first


def test_validation_holds_out_each_users_latest_papers():
    fit, targets = leave_last_out([[5, 1, 9, 3], [2, 4]], holdout=2)
    assert fit == [[1, 3], [2, 4]]
    assert targets == [[5, 9], []]
