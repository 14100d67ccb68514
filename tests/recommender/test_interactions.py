from __future__ import annotations

import pytest

from recommender.interactions import build_interactions, time_decay


def test_it_adds_up_positive_kinds_for_the_same_paper():
    interactions = build_interactions([(0, 1, "upvote", 0), (0, 1, "save", 0), (0, 2, "save", 0)], 1, 3)
    assert interactions.positives[0, 1] == pytest.approx(2.0)
    assert interactions.positives[0, 2] == pytest.approx(1.0)


def test_a_read_paper_outweighs_one_only_saved():
    interactions = build_interactions([(0, 0, "save", 0), (0, 1, "save", 0), (0, 1, "status_read", 0)], 1, 2)
    assert interactions.positives[0, 1] > interactions.positives[0, 0]


def test_recent_actions_weigh_more_than_old_ones():
    interactions = build_interactions([(0, 0, "save", 1), (0, 1, "save", 400)], 1, 2)
    assert interactions.positives[0, 0] > 2 * interactions.positives[0, 1] > 0


def test_old_actions_never_decay_to_nothing():
    assert time_decay(10_000) == pytest.approx(0.25)
    assert time_decay(0) == pytest.approx(1.0)


def test_abandoned_and_dismissed_papers_become_negatives_and_leave_the_positives():
    events = [(0, 0, "save", 0), (0, 0, "status_abandoned", 0), (0, 1, "upvote", 0), (0, 1, "dismiss", 0)]
    interactions = build_interactions(events, 1, 3)
    assert interactions.positives.nnz == 0
    assert set(interactions.negatives[0].indices) == {0, 1}
    assert set(interactions.known[0].indices) == {0, 1}


def test_it_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown signal kind 'like'"):
        build_interactions([(0, 0, "like", 0)], 1, 1)


def test_it_rejects_an_event_outside_the_matrix():
    with pytest.raises(ValueError, match="outside"):
        build_interactions([(0, 5, "save", 0)], 1, 3)
