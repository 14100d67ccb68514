from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from recommender.topk import keep_top_per_row, top_k_dense


def test_top_k_is_sorted_best_first_and_skips_excluded_items():
    scores = np.array([[0.1, 0.9, -np.inf, 0.5], [-np.inf, -np.inf, 0.2, -np.inf]], dtype=np.float32)
    top = top_k_dense(scores, 3)
    assert top.items.tolist() == [[1, 3, 0], [2, -1, -1]]
    assert top.scores[0].tolist() == [np.float32(0.9), np.float32(0.5), np.float32(0.1)]


def test_top_k_pads_when_there_are_fewer_items_than_k():
    top = top_k_dense(np.array([[0.3, 0.7]], dtype=np.float32), 4)
    assert top.items.tolist() == [[1, 0, -1, -1]]


# Few distinct values, so ties and excluded items (-inf) are common.
score_blocks = st.integers(1, 300).flatmap(
    lambda n_cols: arrays(
        np.float32,
        st.tuples(st.integers(1, 6), st.just(n_cols)),
        elements=st.sampled_from([-np.inf, 0.0, 0.25, 0.5, 0.75, 1.0]) | st.floats(0, 1, width=32),
    )
)


@settings(max_examples=200, deadline=None)
@given(scores=score_blocks, k=st.integers(1, 80))
def test_top_k_matches_sorting_each_row_best_first_ties_by_column(scores, k):
    top = top_k_dense(scores, k)
    for row, values in enumerate(scores):
        ranked = [c for c in sorted(range(len(values)), key=lambda c: (-values[c], c)) if values[c] > -np.inf]
        expected = (ranked[:k] + [-1] * k)[:k]
        assert top.items[row].tolist() == expected
        assert top.scores[row].tolist() == [values[c] if c >= 0 else -np.inf for c in expected]


def test_keep_top_per_row_keeps_the_largest_entries_of_each_row():
    matrix = sp.csr_matrix(np.array([[5, 1, 3, 0, 4], [0, 2, 0, 0, 0]], dtype=np.float32))
    kept = keep_top_per_row(matrix, 2).toarray()
    assert kept.tolist() == [[5, 0, 0, 0, 4], [0, 2, 0, 0, 0]]
