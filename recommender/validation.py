"""Choosing the ranker's defaults on validation splits carved from training data, on both datasets.

For each dataset and protocol, a validation split is carved from that protocol's *training* side the way
the protocol's test split was made (``splits``; ``CARVINGS`` below). Every candidate setting is scored
on all six cases, and one set of defaults is chosen for all: the one whose *worst* ratio of recall to the
plain TF-IDF profile's on the same users (over cases, rankings, recall@50 and @300) is highest, ties
broken by the next worst, and so on (``objective``). Relative, so the case with the largest recall does
not decide alone; the worst case, because the mean let the new-papers cases buy recall from P=10; no
per-dataset switch, so whatever is chosen must carry over.

The blend's parts are computed once per case and the grid only re-weights them (``grid_recall``), so a
grid of a few dozen points costs about as much as one evaluation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from recommender.baselines import tfidf_profile_scores
from recommender.citeulike import load_citeulike, read_user_lines
from recommender.evaluate import ALL_UNSAVED, NEW_ALONE, embed_papers, fit_on, recall_at
from recommender.features import PaperText
from recommender.interactions import saves_matrix
from recommender.scoring import _scale_rows, blend, meaning_scores, score_parts
from recommender.splits import (
    Split,
    new_papers_split,
    new_papers_validation,
    one_save_per_user,
    per_user_holdout,
)
from recommender.topk import top_k_dense
from recommender.train import DEFAULT_SETTINGS, RecommenderSettings

DATASETS = ("citeulike-a", "citeulike-t")
CUTS = (50, 300)
# How each published split was made, read off the split files (tests need not be looked at again):
# CiteULike-a's P=10 training saves are each user's ten lowest ids (ids grow with time) and its P=1 save
# a random one; CiteULike-t's P=10 saves are random and its P=1 save is each user's lowest id.
# (dataset -> (P=10: hold out the latest saves?, their gap as a catalogue fraction), P=1: keep the first?)
CARVINGS: dict[str, tuple[tuple[bool, float], bool]] = {
    "citeulike-a": ((True, 0.05), False),
    "citeulike-t": ((False, 0.0), True),
}


@dataclass
class ValidationCase:
    dataset: str
    protocol: str
    papers: list[PaperText]
    split: Split
    embeddings: np.ndarray


@dataclass(frozen=True)
class GridPoint:
    embedding_weight: float
    cf_scale: float  # multiplies every history bucket's co-save weight
    popularity_weight_alone: float
    borrowed_co_save_weight: float = 0.0

    def settings(self, base: RecommenderSettings) -> RecommenderSettings:
        return replace(
            base,
            embedding_weight=self.embedding_weight,
            cf_weights=tuple(w * self.cf_scale for w in base.cf_weights),
            popularity_weight_alone=self.popularity_weight_alone,
            borrowed_co_save_weight=self.borrowed_co_save_weight,
        )


def validation_cases(data_dir: Path | str, datasets: Sequence[str] = DATASETS) -> list[ValidationCase]:
    cases = []
    for name in datasets:
        directory = Path(data_dir) / name
        p10 = load_citeulike(directory, 10)
        papers = p10.papers
        embeddings = embed_papers(papers)
        (latest, gap_fraction), first = CARVINGS[name]
        gap = int(np.ceil(gap_fraction * len(papers)))
        cases.append(
            ValidationCase(
                name,
                "p10",
                papers,
                per_user_holdout(p10.train, 3, latest=latest, gap=gap),
                embeddings,
            )
        )
        # P=1's training side has one save per user: the P=10 training saves stand in (module docstring).
        cases.append(
            ValidationCase(name, "p1", papers, one_save_per_user(p10.train, first=first), embeddings)
        )
        users = read_user_lines(directory / "users.dat", len(papers))
        test = new_papers_split(users, len(papers), seed=0)
        validation = new_papers_validation(test.train, len(papers), seed=0)
        cases.append(ValidationCase(name, "new", papers, validation, embeddings))
    return cases


def _sampled(split: Split, max_users: int, seed: int) -> np.ndarray:
    with_targets = np.flatnonzero([len(t) > 0 for t in split.test])
    if len(with_targets) <= max_users:
        return with_targets
    return np.sort(np.random.default_rng(seed).choice(with_targets, size=max_users, replace=False))


def grid_recall(
    case: ValidationCase,
    grid: Sequence[GridPoint],
    *,
    base: RecommenderSettings = DEFAULT_SETTINGS,
    max_users: int = 3000,
    batch_size: int = 256,
    seed: int = 0,
) -> dict[str, dict[object, dict[str, float]]]:
    """ranking -> (grid point or "tfidf_profile") -> recall@50/@300, on a sample of the case's users."""
    papers, split = case.papers, case.split
    n_items, k = len(papers), max(CUTS)
    # Fitted once with embeddings on: the grid's weights only act at blending time.
    model = fit_on(
        papers, split.train, replace(base, embedding_weight=1.0, borrowed_co_save_weight=1.0), case.embeddings
    )
    users = _sampled(split, max_users, seed)
    train = [split.train[u] for u in users]
    test = [split.test[u] for u in users]
    positives = saves_matrix(train, n_items).positives
    baseline = tfidf_profile_scores(papers, train)
    others = None
    if split.new_items is not None:
        others = np.ones(n_items, dtype=bool)
        others[split.new_items] = False
    rankings = [ALL_UNSAVED] + ([NEW_ALONE] if others is not None else [])
    ranked: dict[str, dict[object, list[np.ndarray]]] = {r: {} for r in rankings}

    def keep(ranking_scores: np.ndarray, key: object) -> None:
        ranked[ALL_UNSAVED].setdefault(key, []).append(top_k_dense(ranking_scores, k).items)
        if others is not None:
            ranking_scores[:, others] = -np.inf
            ranked[NEW_ALONE].setdefault(key, []).append(top_k_dense(ranking_scores, k).items)

    words_only = replace(model, settings=replace(model.settings, embedding_weight=0.0))
    for start in range(0, len(users), batch_size):
        rows = positives[start : start + batch_size]
        known = (rows > 0).tocoo()
        scores = baseline(start, start + rows.shape[0]).astype(np.float32)
        scores[known.row, known.col] = -np.inf
        keep(scores, "tfidf_profile")
        parts = score_parts(words_only, rows)
        meaning = meaning_scores(model, rows, known)
        for point in grid:
            content = parts.content.copy()
            if meaning is not None and point.embedding_weight:
                content += np.float32(point.embedding_weight) * meaning
                _scale_rows(content)
            mixed = replace(parts, content=content)
            keep(blend(model, mixed, point.settings(base)), point)
    return {
        ranking: {key: recall_at(np.concatenate(lists), test, CUTS) for key, lists in by_key.items()}
        for ranking, by_key in ranked.items()
    }


def ratios_to_tfidf(
    results: Sequence[dict[str, dict[object, dict[str, float]]]], point: object
) -> list[float]:
    """The point's recall over the TF-IDF profile's, for every case, ranking and cut-off."""
    ratios = []
    for result in results:
        for by_key in result.values():
            for cut in CUTS:
                name = f"recall@{cut}"
                ratios.append(by_key[point][name] / max(by_key["tfidf_profile"][name], 1e-9))
    return ratios


def objective(
    results: Sequence[dict[str, dict[object, dict[str, float]]]], point: object
) -> tuple[float, ...]:
    """The point's ratios to the TF-IDF profile, worst first; points compare by the worst ratio, then the
    next worst, and so on (leximin). The defaults must beat the plain profile on every dataset and
    protocol, not on average: a mean let the new-papers cases buy recall from P=10."""
    return tuple(sorted(ratios_to_tfidf(results, point)))
