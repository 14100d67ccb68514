from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from recommender.topk import keep_top_per_row, top_k_dense


def test_top_k_is_sorted_best_first_and_skips_excluded_items():
    scores = np.array([[0.1, 0.9, -np.inf, 0.5], [-np.inf, -np.inf, 0.2, -np.inf]], dtype=np.float32)
    top = top_k_dense(scores, 3)
    assert top.items.tolist() == [[1, 3, 0], [2, -1, -1]]
    assert top.scores[0].tolist() == [np.float32(0.9), np.float32(0.5), np.float32(0.1)]


def test_top_k_pads_when_there_are_fewer_items_than_k():
    top = top_k_dense(np.array([[0.3, 0.7]], dtype=np.float32), 4)
    assert top.items.tolist() == [[1, 0, -1, -1]]


def test_keep_top_per_row_keeps_the_largest_entries_of_each_row():
    matrix = sp.csr_matrix(np.array([[5, 1, 3, 0, 4], [0, 2, 0, 0, 0]], dtype=np.float32))
    kept = keep_top_per_row(matrix, 2).toarray()
    assert kept.tolist() == [[5, 0, 0, 0, 4], [0, 2, 0, 0, 0]]
