"""Choosing the blend weights on a validation split carved from training data only.

Procedure (run by ``bench/tune_citeulike.py``; its output is the source of ``train.DEFAULT_SETTINGS``):

1. Validation split from CiteULike-a's P=10 *training* file only. The benchmark's test items are not a
   random sample of a user's papers: they are mostly the user's later papers (item ids grow with the
   time a paper entered CiteULike; the training ten sit at the low-id end of each user's list), and 28%
   of test saves are on papers nobody saved in training. A random hold-out of training items would
   therefore reward collaborative filtering and popularity far more than the test does (random hold-out:
   co-save recall@50 0.43 vs content 0.19; on the test the published ItemKNN CF is 0.10). So each user's
   3 highest-id training papers are held out ("leave last out", ids standing in for time, as a timestamp
   would in production); 24-27% of those are then unseen in the remaining data, like the test.
2. The model is fitted on the remaining training saves. To learn weights per history length, every
   validation user is scored from a random subset of h of their remaining papers, h = 1, 3 and 7 (7 is
   everything left), standing for the history buckets <= 1, 2-4 and >= 5.
3. For each h, a grid over (w_cf, w_pop) picks the pair with the best mean of recall@50..300.

P=1 cannot be validated per user (one training paper each leaves nothing to hold out), so P=1 uses the
same shipped defaults; its users fall in the h <= 1 bucket. In P=1 nobody co-saved anything, so the
co-save part is zero there and only w_pop(h <= 1) matters. Caveat: the P=10 training lists overlap the
P=1 test lists (they are the same users' papers), so the P=1 figures are measured with settings chosen
on data that is partly P=1's test set; it informs two scalars, but it is not a clean hold-out for P=1.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from recommender.evaluate import CUTOFFS, recall_at
from recommender.features import PaperText
from recommender.rank import DEFAULT_BATCH_SIZE, ScoreParts, blend, score_parts
from recommender.signals import saves_matrix
from recommender.topk import top_k_dense
from recommender.train import DEFAULT_SETTINGS, RecommenderModel, RecommenderSettings, fit_recommender

CF_GRID = (4.0, 8.0, 16.0, 32.0, 64.0)
POPULARITY_GRID = (0.0, 0.05, 0.1, 0.2, 0.3)
POPULARITY_ALONE_GRID = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8)
HISTORY_LENGTHS = (1, 3, 7)


@dataclass(frozen=True)
class GridPoint:
    history: int
    co_saves: bool  # False: scored by a model without co-saves (the content-and-priors-only regime)
    cf_weight: float
    popularity_weight: float
    recall: dict[str, float]

    @property
    def objective(self) -> float:
        return float(np.mean(list(self.recall.values())))


def leave_last_out(
    train: Sequence[Sequence[int]], holdout: int = 3
) -> tuple[list[list[int]], list[list[int]]]:
    """Per user, the ``holdout`` highest item ids become validation targets (users with more than that)."""
    fit, targets = [], []
    for items in train:
        ordered = sorted(set(items))
        if len(ordered) > holdout:
            fit.append(ordered[:-holdout])
            targets.append(ordered[-holdout:])
        else:
            fit.append(ordered)
            targets.append([])
    return fit, targets


def truncated_histories(fit: Sequence[Sequence[int]], length: int, seed: int = 0) -> list[list[int]]:
    rng = np.random.default_rng(seed)
    return [sorted(rng.choice(items, size=min(length, len(items)), replace=False).tolist()) for items in fit]


def _parts_in_batches(model: RecommenderModel, histories: list[list[int]]) -> list[ScoreParts]:
    rows = saves_matrix(histories, model.n_items).positives
    return [
        score_parts(model, rows[start : start + DEFAULT_BATCH_SIZE])
        for start in range(0, rows.shape[0], DEFAULT_BATCH_SIZE)
    ]


def _grid_recall(
    model: RecommenderModel,
    parts: list[ScoreParts],
    fit: list[list[int]],
    targets: list[list[int]],
    settings: RecommenderSettings,
) -> dict[str, float]:
    ranked = []
    start = 0
    for block in parts:
        scores = blend(model, block, settings)
        # The user's whole remaining history is known to the site even if only h papers were scored.
        for offset, items in enumerate(fit[start : start + scores.shape[0]]):
            scores[offset, items] = -np.inf
        ranked.append(top_k_dense(scores, max(CUTOFFS)).items)
        start += scores.shape[0]
    return recall_at(np.concatenate(ranked), targets)


def tune_blend(
    papers: Sequence[PaperText],
    train: Sequence[Sequence[int]],
    *,
    settings: RecommenderSettings = DEFAULT_SETTINGS,
    history_lengths: Sequence[int] = HISTORY_LENGTHS,
    cf_grid: Sequence[float] = CF_GRID,
    popularity_grid: Sequence[float] = POPULARITY_GRID,
    popularity_alone_grid: Sequence[float] = POPULARITY_ALONE_GRID,
    holdout: int = 3,
    seed: int = 0,
) -> list[GridPoint]:
    """Every grid point's validation recall, for each history length."""
    fit, targets = leave_last_out(train, holdout)
    model = fit_recommender(papers, saves_matrix(fit, len(papers)).positives, settings=settings)
    n_buckets = len(settings.cf_weights)
    points = []
    for length in history_lengths:
        histories = truncated_histories(fit, length, seed)
        parts = _parts_in_batches(model, histories)
        for w_cf, w_pop in itertools.product(cf_grid, popularity_grid):
            candidate = settings.with_blend([w_cf] * n_buckets, [w_pop] * n_buckets, w_pop)
            recall = _grid_recall(model, parts, fit, targets, candidate)
            points.append(GridPoint(length, True, w_cf, w_pop, recall))
    # The same one-paper users as if nobody had co-saved anything: picks popularity_weight_alone.
    alone = without_co_saves(model)
    parts = _parts_in_batches(alone, truncated_histories(fit, 1, seed))
    for w_pop in popularity_alone_grid:
        candidate = settings.with_blend(settings.cf_weights, settings.popularity_weights, w_pop)
        points.append(GridPoint(1, False, 0.0, w_pop, _grid_recall(alone, parts, fit, targets, candidate)))
    return points


def without_co_saves(model: RecommenderModel) -> RecommenderModel:
    empty = sp.csr_matrix(model.co_saves.shape, dtype=np.float32)
    return replace(model, co_saves=empty)


def best_per_history(points: Sequence[GridPoint]) -> dict[tuple[int, bool], GridPoint]:
    """The best point for each (history length, with co-saves) pair."""
    best: dict[tuple[int, bool], GridPoint] = {}
    for point in points:
        key = (point.history, point.co_saves)
        if key not in best or point.objective > best[key].objective:
            best[key] = point
    return best
