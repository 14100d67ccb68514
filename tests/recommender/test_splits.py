from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.splits import new_papers_split, new_papers_validation, one_save_per_user, per_user_holdout

N_ITEMS = 40
users_strategy = st.lists(st.lists(st.integers(0, N_ITEMS - 1), max_size=12), min_size=1, max_size=20)


@settings(max_examples=50, deadline=None)
@given(users=users_strategy, seed=st.integers(0, 10_000))
def test_held_out_new_papers_have_no_training_interactions(users, seed):
    split = new_papers_split(users, N_ITEMS, fraction=0.25, seed=seed)
    new = set(split.new_items.tolist())
    assert len(new) == 10
    assert all(not new & set(items) for items in split.train)
    # Every save is either trained on or a target, never both, never lost.
    for items, train, test in zip(users, split.train, split.test, strict=True):
        assert set(test) <= new
        assert sorted(set(train) | set(test)) == sorted(set(items))


def test_different_seeds_hold_out_different_papers_and_a_seed_is_reproducible():
    users = [list(range(N_ITEMS))]
    first = new_papers_split(users, N_ITEMS, seed=0).new_items
    assert np.array_equal(first, new_papers_split(users, N_ITEMS, seed=0).new_items)
    assert not np.array_equal(first, new_papers_split(users, N_ITEMS, seed=1).new_items)


@settings(max_examples=50, deadline=None)
@given(users=users_strategy, seed=st.integers(0, 10_000))
def test_new_papers_validation_never_touches_the_test_papers(users, seed):
    test = new_papers_split(users, N_ITEMS, fraction=0.25, seed=seed)
    validation = new_papers_validation(test.train, N_ITEMS, seed=seed)
    held_out_for_test = set(test.new_items.tolist())
    assert not held_out_for_test & set(validation.new_items.tolist())
    for train, targets in zip(validation.train, validation.test, strict=True):
        assert not held_out_for_test & (set(train) | set(targets))
        assert not set(validation.new_items.tolist()) & set(train)


def test_per_user_holdout_keeps_short_histories_whole_and_hides_the_latest_with_a_gap():
    split = per_user_holdout([[5, 1, 9, 3, 30], [2, 4]], holdout=2, latest=True, gap=10)
    assert split.train == [[1, 3, 5], [2, 4]]
    # 9 is within 10 ids of the last fitted paper (5): it leaves the fit but is no target.
    assert split.test == [[30], []]


def test_random_per_user_holdout_hides_exactly_that_many_of_each_users_saves():
    users = [list(range(u, u + 10)) for u in range(20)]
    split = per_user_holdout(users, holdout=3, seed=4)
    for items, train, test in zip(users, split.train, split.test, strict=True):
        assert len(test) == 3 and len(train) == 7
        assert sorted(train + test) == items
    assert len({tuple(t) for t in split.test}) > 1  # not always the same positions


def test_one_save_per_user_keeps_the_first_save_or_a_random_one():
    users = [[7, 3, 9], [4]]
    assert one_save_per_user(users, first=True).train == [[3], [4]]
    assert one_save_per_user(users, first=True).test == [[7, 9], []]
    split = one_save_per_user(users, seed=1)
    assert [len(t) for t in split.train] == [1, 1]
    assert sorted(split.train[0] + split.test[0]) == [3, 7, 9]
