"""Top-k selection on dense score blocks and on sparse rows, without a Python loop per row."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class TopK:
    """Best items per row, best first. Rows with fewer than k candidates are padded with -1 / -inf."""

    items: np.ndarray  # int32, rows x k
    scores: np.ndarray  # float32, rows x k


def top_k_dense(scores: np.ndarray, k: int) -> TopK:
    """The k highest entries of every row; -inf entries (excluded items) never count as candidates."""
    n_rows, n_cols = scores.shape
    k_eff = min(k, n_cols)
    if k_eff < n_cols:
        part = np.argpartition(-scores, k_eff - 1, axis=1)[:, :k_eff]
    else:
        part = np.tile(np.arange(n_cols), (n_rows, 1))
    part_scores = np.take_along_axis(scores, part, axis=1)
    # Stable sort on (score desc): ties keep their column order, so results are reproducible.
    order = np.argsort(-part_scores, axis=1, kind="stable")
    items = np.take_along_axis(part, order, axis=1).astype(np.int32)
    best = np.take_along_axis(part_scores, order, axis=1).astype(np.float32)
    items[~np.isfinite(best)] = -1
    if k_eff < k:
        items = np.pad(items, ((0, 0), (0, k - k_eff)), constant_values=-1)
        best = np.pad(best, ((0, 0), (0, k - k_eff)), constant_values=-np.inf)
    return TopK(items=items, scores=best)


def keep_top_per_row(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Zero all but the k largest stored entries of each row."""
    matrix = sp.csr_matrix(matrix)
    counts = np.diff(matrix.indptr)
    long_rows = np.flatnonzero(counts > k)
    if long_rows.size == 0:
        return matrix
    keep = np.ones(matrix.nnz, dtype=bool)
    # A loop over the long rows only; each is one O(n) selection in C.
    for row in long_rows:
        start, stop = matrix.indptr[row], matrix.indptr[row + 1]
        drop = np.argpartition(-matrix.data[start:stop], k)[k:]
        keep[start + drop] = False
    kept_counts = np.minimum(counts, k)
    return sp.csr_matrix(
        (matrix.data[keep], matrix.indices[keep], np.concatenate([[0], np.cumsum(kept_counts)])),
        shape=matrix.shape,
    )
