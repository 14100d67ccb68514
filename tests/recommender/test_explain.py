from __future__ import annotations

from recommender.explain import CO_SAVED, MATCHES_TOPICS, SIMILAR_TO_SAVED, explain
from recommender.interactions import saves_matrix
from recommender.topics import topic_profile
from tests.recommender.corpus import BAYESIAN, PAPERS, ROBOTS, TRANSLATION


def test_a_content_hit_names_the_closest_saved_paper_and_the_shared_terms(model):
    positives = saves_matrix([[0, 11]], len(PAPERS)).positives
    (reasons,) = explain(model, positives, [2])
    main = reasons[0]
    assert main.kind == SIMILAR_TO_SAVED
    assert main.related_item == 0
    assert any("spiking" in term for term in main.terms)
    assert any("neuromorphic" in term for term in main.terms)


def test_shared_authors_are_named_as_authors(model):
    positives = saves_matrix([[0]], len(PAPERS)).positives
    (reasons,) = explain(model, positives, [2], n_terms=10)
    assert "author: ada lovelace" in reasons[0].terms


def test_a_collaborative_hit_is_explained_by_the_paper_other_readers_also_saved(model):
    positives = saves_matrix([[TRANSLATION[0]]], len(PAPERS)).positives
    (reasons,) = explain(model, positives, [BAYESIAN[1]])
    assert reasons[0].kind == CO_SAVED
    assert reasons[0].related_item == TRANSLATION[0]


def test_reasons_are_ordered_by_their_share_of_the_score(model):
    positives = saves_matrix([[0, 1]], len(PAPERS)).positives
    (reasons,) = explain(model, positives, [2])
    shares = [r.share for r in reasons]
    assert shares == sorted(shares, reverse=True)
    assert abs(sum(shares) - 1.0) < 1e-6


def test_a_topic_only_user_is_told_the_paper_matches_their_topics(model):
    profile = topic_profile(model, ["reinforcement learning", "robot"])
    (reasons,) = explain(model, None, [ROBOTS[0]], profile=profile)
    assert reasons[0].kind == MATCHES_TOPICS
    assert reasons[0].related_item is None
    assert "reinforcement learning" in reasons[0].terms
