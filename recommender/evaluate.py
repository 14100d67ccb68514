"""Offline evaluation: recall@M on a train/test split, for the shipped ranker and two baselines.

The protocol is the CiteULike-a one (CDL KDD'15, CVAE KDD'17, Ferrari Dacrema et al. TOIS'21):

1. fit on the training saves only;
2. for each user, score every item, drop the user's training items, keep the top M;
3. recall@M = (test items in the top M) / (number of the user's test items) -- not min(M, |test|) --
   averaged over the users with at least one test item.

The ranker is fitted and scored by ``train.fit_recommender`` and ``rank.recommend`` with the default
settings: the very code the nightly task runs, not a benchmark variant.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from recommender.citeulike import load_citeulike
from recommender.features import PaperText
from recommender.interactions import saves_matrix
from recommender.scoring import recommend
from recommender.topk import top_k_dense
from recommender.train import DEFAULT_SETTINGS, RecommenderSettings, fit_recommender

CUTOFFS = (50, 100, 150, 200, 250, 300)
RANDOM_SEED = 0


@dataclass
class EvaluationReport:
    ranker: dict[str, float]
    baselines: dict[str, dict[str, float]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    evaluated_users: int = 0

    def as_json(self) -> dict[str, object]:
        return {**self.ranker, "baselines": self.baselines}


def recall_at(
    ranked: np.ndarray, test: Sequence[Sequence[int]], cutoffs: Sequence[int] = CUTOFFS
) -> dict[str, float]:
    """Mean recall@M of ranked item lists (users x >= max(cutoffs), best first, -1 = no item)."""
    if ranked.shape[0] != len(test):
        raise ValueError(f"{ranked.shape[0]} ranked lists for {len(test)} users")
    if ranked.shape[1] < max(cutoffs):
        raise ValueError(f"ranked lists have {ranked.shape[1]} items, need {max(cutoffs)}")
    totals = np.zeros(len(cutoffs))
    evaluated = 0
    for row, items in zip(ranked, test, strict=True):
        relevant = np.unique(np.asarray(items, dtype=np.int64))
        if relevant.size == 0:
            continue
        hits = np.cumsum(np.isin(row[: max(cutoffs)], relevant))
        totals += hits[np.asarray(cutoffs) - 1] / relevant.size
        evaluated += 1
    means = totals / evaluated if evaluated else totals
    return {f"recall@{m}": float(round(v, 6)) for m, v in zip(cutoffs, means, strict=True)}


def _ranked_by_fixed_scores(
    scores_for_block, train: Sequence[Sequence[int]], n_items: int, k: int, batch_size: int = 1024
) -> np.ndarray:
    """Top-k per user from a (start, stop) -> scores function, with training items excluded."""
    ranked = []
    for start in range(0, len(train), batch_size):
        stop = min(start + batch_size, len(train))
        scores = scores_for_block(start, stop).astype(np.float32)
        for offset, items in enumerate(train[start:stop]):
            scores[offset, list(items)] = -np.inf
        ranked.append(top_k_dense(scores, k).items)
    return np.concatenate(ranked) if ranked else np.zeros((0, k), dtype=np.int32)


def random_ranking(
    train: Sequence[Sequence[int]], n_items: int, k: int, seed: int = RANDOM_SEED
) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return _ranked_by_fixed_scores(lambda a, b: rng.random((b - a, n_items)), train, n_items, k)


def most_popular_ranking(train: Sequence[Sequence[int]], n_items: int, k: int) -> np.ndarray:
    counts = np.bincount([i for items in train for i in items], minlength=n_items).astype(np.float32)
    return _ranked_by_fixed_scores(lambda a, b: np.tile(counts, (b - a, 1)), train, n_items, k)


def evaluate(
    papers: Sequence[PaperText],
    train: Sequence[Sequence[int]],
    test: Sequence[Sequence[int]],
    *,
    settings: RecommenderSettings = DEFAULT_SETTINGS,
    cutoffs: Sequence[int] = CUTOFFS,
    baselines: bool = True,
    seed: int = RANDOM_SEED,
) -> EvaluationReport:
    """recall@M of the ranker (and of random / most-popular) trained on ``train``, tested on ``test``."""
    k = max(cutoffs)
    n_items = len(papers)
    started = time.perf_counter()
    interactions = saves_matrix(train, n_items)
    model = fit_recommender(papers, interactions.positives, settings=settings)
    fitted = time.perf_counter()
    ranked = recommend(model, interactions.positives, interactions.negatives, k=k).items
    report = EvaluationReport(ranker=recall_at(ranked, test, cutoffs))
    report.seconds = {"fit": fitted - started, "rank": time.perf_counter() - fitted}
    report.evaluated_users = sum(1 for items in test if len(items))
    if baselines:
        report.baselines = {
            "random": recall_at(random_ranking(train, n_items, k, seed), test, cutoffs),
            "most_popular": recall_at(most_popular_ranking(train, n_items, k), test, cutoffs),
        }
    report.seconds["total"] = time.perf_counter() - started
    return report


def evaluate_dataset(directory: Path | str, train_per_user: int, **options: Any) -> EvaluationReport:
    """``evaluate`` on a CiteULike-a style directory (items.jsonl + splits_cvae/)."""
    split = load_citeulike(directory, train_per_user)
    return evaluate(split.papers, split.train, split.test, **options)
