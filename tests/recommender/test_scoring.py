from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from recommender.interactions import build_interactions
from recommender.scoring import recommend, score_user, similar_items
from recommender.train import RecommenderModel
from tests.recommender.corpus import BAYESIAN, GRAPHS, PAPERS, SPIKING, TRANSLATION

N = len(PAPERS)


def user_row(*events: tuple[int, str, float]):
    interactions = build_interactions([(0, item, kind, age) for item, kind, age in events], 1, N)
    return interactions.positives, interactions.negatives


def ranking(model: RecommenderModel, *events: tuple[int, str, float]) -> list[int]:
    positives, negatives = user_row(*events)
    scores = score_user(model, positives, negatives)
    order = np.argsort(-scores, kind="stable")
    return [int(i) for i in order if np.isfinite(scores[i])]


def test_a_reader_of_two_spiking_papers_gets_the_third_one_first(model):
    assert ranking(model, (0, "save", 0), (1, "save", 0))[0] == 2


def test_papers_the_user_already_saved_are_never_recommended(model):
    assert not {0, 1} & set(ranking(model, (0, "save", 0), (1, "upvote", 0)))


def test_dismissed_papers_never_appear(model):
    positives, negatives = user_row((0, "save", 0), (1, "dismiss", 0), (2, "dismiss", 0))
    top = recommend(model, positives, negatives, k=N).items[0]
    assert not {0, 1, 2} & set(top.tolist())
    assert (top == -1).sum() == 3


def score_of(model: RecommenderModel, item: int, *events: tuple[int, str, float]) -> float:
    positives, negatives = user_row(*events)
    return float(score_user(model, positives, negatives)[item])


def test_an_abandoned_paper_pushes_similar_papers_down(model):
    saved = ((0, "save", 0), (GRAPHS[0], "save", 0))
    abandoned = (*saved, (1, "status_abandoned", 0))

    def drop(item: int) -> float:
        return score_of(model, item, *saved) - score_of(model, item, *abandoned)

    # The other spiking paper goes down, and by more than papers unlike the abandoned one move.
    assert drop(2) > 0
    assert drop(2) > max(drop(GRAPHS[1]), drop(TRANSLATION[1]))


def test_a_dismissed_paper_pushes_its_near_duplicates_below_other_interests(model):
    liked = ranking(model, (0, "save", 0), (GRAPHS[0], "save", 0))
    assert liked.index(2) < liked.index(GRAPHS[1])
    dismissed = ranking(model, (0, "save", 0), (GRAPHS[0], "save", 0), (1, "dismiss", 0))
    assert 1 not in dismissed
    assert dismissed.index(2) > dismissed.index(GRAPHS[1])


def test_recent_saves_steer_the_ranking_more_than_old_ones(model):
    recent_graphs = ranking(model, (0, "save", 400), (GRAPHS[0], "save", 1))
    assert recent_graphs[0] == GRAPHS[1]
    recent_spiking = ranking(model, (0, "save", 1), (GRAPHS[0], "save", 400))
    assert recent_spiking.index(GRAPHS[1]) > recent_spiking.index(SPIKING[1])


def test_readers_who_co_save_two_papers_lead_a_new_reader_from_one_to_the_other(model):
    top = ranking(model, (TRANSLATION[0], "save", 0))[:2]
    assert BAYESIAN[1] in top


def test_batch_recommendations_match_single_user_scores(model):
    rows = [user_row((0, "save", 0)), user_row((GRAPHS[0], "save", 0), (5, "dismiss", 0))]
    positives = sp.vstack([r[0] for r in rows], format="csr")
    negatives = sp.vstack([r[1] for r in rows], format="csr")
    top = recommend(model, positives, negatives, k=5, batch_size=1)
    for user, (pos, neg) in enumerate(rows):
        scores = score_user(model, pos, neg)
        np.testing.assert_array_equal(top.items[user], np.argsort(-scores, kind="stable")[:5])
        np.testing.assert_allclose(top.scores[user], np.sort(scores)[::-1][:5], rtol=1e-6)


def test_similar_papers_are_the_same_topic_and_exclude_the_paper_itself(model):
    neighbours = similar_items(model, [0, GRAPHS[0]], n=2).items
    assert set(neighbours[0].tolist()) == {1, 2}
    assert neighbours[1][0] == GRAPHS[1]
