from __future__ import annotations

import numpy as np
import pytest

from recommender.baselines import tfidf_profile_scores
from recommender.evaluate import ALL_UNSAVED, NEW_ALONE, evaluate, ranked_lists, recall_at
from recommender.features import PaperText
from recommender.splits import Split, new_papers_split
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
    report = evaluate(PAPERS, [Split(TRAIN, TEST)], cutoffs=(1, 5))
    recall = report.recall[ALL_UNSAVED]
    # Ranker, top 1: user 0 gets 1 (1 of 2 test items), user 1 gets 3 (1 of 1), user 3 gets 4 (1 of 3).
    assert recall["ranker"]["recall@1"] == pytest.approx((1 / 2 + 1 + 1 / 3) / 3)
    # Five candidates are left once the training paper is dropped, so all test items are in the top 5.
    assert recall["ranker"]["recall@5"] == pytest.approx(1.0)
    # Most popular (saves: 2 -> 3, 4 -> 2, 0 and 5 -> 1): user 0 gets 2, user 1 gets 4, user 3 gets 2.
    assert recall["most_popular"]["recall@1"] == pytest.approx((1 / 2 + 0 + 1 / 3) / 3)
    assert recall["random"]["recall@5"] == pytest.approx(1.0)
    # The TF-IDF profile finds each topic's partner first, as the ranker does.
    assert recall["tfidf_profile"]["recall@1"] == pytest.approx((1 / 2 + 1 + 1 / 3) / 3)
    assert report.evaluated_users == 3
    assert NEW_ALONE not in report.recall  # a published split has no held-out papers


def test_the_random_baseline_is_reproducible():
    first = evaluate(PAPERS, [Split(TRAIN, TEST)], cutoffs=(1, 2)).recall[ALL_UNSAVED]["random"]
    assert evaluate(PAPERS, [Split(TRAIN, TEST)], cutoffs=(1, 2)).recall[ALL_UNSAVED]["random"] == first


def test_the_tfidf_profile_is_the_cosine_of_the_summed_rows_with_titles_counted_twice():
    papers = [
        PaperText("graph networks", "molecules"),
        PaperText("molecules", "graph networks"),
        PaperText("graph networks", ""),
        PaperText("protein folding", "molecules"),
        PaperText("protein folding"),
        PaperText("weather forecasting"),
        PaperText("weather forecasting"),
        PaperText("galaxy survey", "galaxy survey"),
    ]
    scores = tfidf_profile_scores(papers, [[2]])(0, 1)[0]
    # Paper 2 is paper 0's title alone; paper 1 has the same words but its title counts twice for
    # "molecules", so it is further from a "graph networks" profile than paper 0.
    assert scores[2] == pytest.approx(1.0, abs=1e-6)
    assert scores[0] > scores[1] > scores[3] == 0.0


def test_new_papers_are_ranked_among_all_unsaved_and_among_themselves():
    # Papers 1 and 3 are new; user 0 saved 0 (spiking) and 1, user 1 saved 2 (protein) and 3.
    split = Split(train=[[0], [2]], test=[[1], [3]], new_items=np.array([1, 3]))
    lists = ranked_lists(
        lambda a, b: np.tile(np.arange(6, 0, -1, dtype=np.float32), (b - a, 1)),
        split.train,
        6,
        2,
        candidates=split.candidates,
    )
    # A fixed score that prefers low ids: among all, user 0's best unsaved are 1 and 2; among new, 1 and 3.
    assert lists[ALL_UNSAVED].tolist() == [[1, 2], [0, 1]]
    assert lists[NEW_ALONE].tolist() == [[1, 3], [1, 3]]


def test_the_new_papers_protocol_reports_both_rankings_for_every_method():
    users = [[0, 1], [2, 3], [4, 5], [0, 1, 4], [2, 3, 5], [0, 2, 4]]
    splits = [new_papers_split(users, len(PAPERS), fraction=0.34, seed=seed) for seed in (0, 1)]
    report = evaluate(PAPERS, splits, cutoffs=(1, 2))
    assert set(report.recall) == {ALL_UNSAVED, NEW_ALONE}
    for methods in report.recall.values():
        assert set(methods) == {"ranker", "tfidf_profile", "random", "most_popular"}
    # Two new papers among six: everyone's held-out papers are in the top 2 of the new ones.
    assert report.recall[NEW_ALONE]["random"]["recall@2"] == pytest.approx(1.0)
    assert report.splits == 2


def test_validation_holds_out_each_users_latest_papers():
    fit, targets = leave_last_out([[5, 1, 9, 3], [2, 4]], holdout=2)
    assert fit == [[1, 3], [2, 4]]
    assert targets == [[5, 9], []]
