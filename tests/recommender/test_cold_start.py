from __future__ import annotations

import numpy as np

from recommender.features import PaperText
from recommender.scoring import score_user
from recommender.topics import derive_topics, seed_positives, topic_profile
from recommender.train import add_items
from tests.recommender.corpus import GRAPHS, PAPERS, ROBOTS, SPIKING


def top(scores: np.ndarray, n: int) -> set[int]:
    return {int(i) for i in np.argsort(-scores, kind="stable")[:n]}


def test_a_profile_from_topic_words_ranks_topical_papers_first(model):
    scores = score_user(model, None, profile=topic_profile(model, ["reinforcement learning", "robot"]))
    assert top(scores, 2) == set(ROBOTS)


def test_unknown_topic_words_leave_a_usable_popularity_ranking(model):
    scores = score_user(model, None, profile=topic_profile(model, ["quantum gravity"]))
    assert np.isfinite(scores).all()


def test_seed_papers_work_like_saves(model):
    scores = score_user(model, seed_positives(model, [GRAPHS[0]]))
    assert top(scores, 1) == {GRAPHS[1]}


def test_papers_added_after_training_are_scored_with_the_fitted_vectorizers(model):
    new_paper = PaperText(
        "Spiking neurons on neuromorphic event sensors", "Spiking neural networks, low energy."
    )
    extended = add_items(model, [new_paper], item_age_days=np.array([0.0]))
    new_index = len(PAPERS)
    assert extended.n_items == len(PAPERS) + 1
    scores = score_user(extended, seed_positives(extended, [SPIKING[0], SPIKING[1]]))
    assert np.isfinite(scores[new_index])
    assert new_index in top(scores, 2)


def test_derived_topics_are_labelled_term_clusters(model):
    topics = derive_topics(model, n_topics=4, n_terms=4)
    assert 1 <= len(topics) <= 4
    for topic in topics:
        assert topic.terms and len(topic.terms) <= 4
        assert topic.label == ", ".join(topic.terms[:3])
    assert any("spiking" in term for topic in topics for term in topic.terms)
