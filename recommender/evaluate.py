"""Offline evaluation: recall@M of the shipped ranker and the baselines, on a split or on a protocol.

The measure is the CiteULike one (CDL KDD'15, CVAE KDD'17, Ferrari Dacrema et al. TOIS'21):

1. fit on the training saves only;
2. for each user, score every item, drop the user's training items, keep the top M;
3. recall@M = (test items in the top M) / (number of the user's test items) -- not min(M, |test|) --
   averaged over the users with at least one test item.

Protocols (``splits`` draws them): ``p1`` and ``p10`` are the published splits; ``new`` holds out a
fraction of the papers entirely and ranks them twice, among all the papers a user has not saved and
among the held-out papers alone (the feed's "new since your last visit"), averaged over several seeds.

The ranker is fitted by ``train.fit_recommender`` and scored by ``rank.score_users`` with the default
settings: the very code the nightly task runs, not a benchmark variant.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from recommender.baselines import BlockScores, most_popular_scores, random_scores, tfidf_profile_scores
from recommender.citeulike import load_citeulike, read_items, read_user_lines
from recommender.features import PaperText
from recommender.interactions import saves_matrix
from recommender.scoring import score_users
from recommender.splits import Split, new_papers_split
from recommender.topk import top_k_dense
from recommender.train import DEFAULT_SETTINGS, RecommenderModel, RecommenderSettings, fit_recommender

CUTOFFS = (50, 100, 150, 200, 250, 300)
PROTOCOLS = ("p1", "p10", "new")
NEW_PAPERS_SEEDS = (0, 1, 2)
ALL_UNSAVED = "among all unsaved"
NEW_ALONE = "among new alone"
RANKER = "ranker"
BASELINES = ("tfidf_profile", "random", "most_popular")
RANDOM_SEED = 0
DEFAULT_THREADS = 2

Recall = dict[str, float]


@dataclass
class EvaluationReport:
    # ranking ("among all unsaved", and for the new-papers protocol "among new alone") -> method -> recall
    recall: dict[str, dict[str, Recall]]
    seconds: dict[str, float] = field(default_factory=dict)
    evaluated_users: int = 0
    splits: int = 1

    @property
    def ranker(self) -> Recall:
        return self.recall[ALL_UNSAVED][RANKER]

    def as_json(self) -> dict[str, object]:
        return {
            "recall": self.recall,
            "evaluated_users": self.evaluated_users,
            "splits": self.splits,
            "seconds": {k: round(v, 1) for k, v in self.seconds.items()},
        }


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


def ranked_lists(
    scores_for_block: BlockScores,
    train: Sequence[Sequence[int]],
    n_items: int,
    k: int,
    *,
    candidates: np.ndarray | None = None,
    batch_size: int = 512,
    n_threads: int = DEFAULT_THREADS,
) -> dict[str, np.ndarray]:
    """Top-k per user with the user's training items excluded: among all items (key ALL_UNSAVED) and,
    given ``candidates``, among those alone (key NEW_ALONE). One score block serves both."""
    others = None
    if candidates is not None:
        others = np.ones(n_items, dtype=bool)
        others[candidates] = False

    def run(start: int) -> dict[str, np.ndarray]:
        stop = min(start + batch_size, len(train))
        scores = np.array(scores_for_block(start, stop), dtype=np.float32)
        for offset, items in enumerate(train[start:stop]):
            scores[offset, list(items)] = -np.inf
        lists = {ALL_UNSAVED: top_k_dense(scores, k).items}
        if others is not None:
            scores[:, others] = -np.inf
            lists[NEW_ALONE] = top_k_dense(scores, k).items
        return lists

    with ThreadPoolExecutor(max_workers=max(1, n_threads)) as pool:
        blocks = list(pool.map(run, range(0, len(train), batch_size)))
    keys = [ALL_UNSAVED] + ([NEW_ALONE] if candidates is not None else [])
    if not blocks:
        return {key: np.zeros((0, k), dtype=np.int32) for key in keys}
    return {key: np.concatenate([b[key] for b in blocks]) for key in keys}


def ranker_scores(model: RecommenderModel, train: Sequence[Sequence[int]]) -> BlockScores:
    positives = saves_matrix(train, model.n_items).positives
    return lambda start, stop: score_users(model, positives[start:stop])


def fit_on(
    papers: Sequence[PaperText],
    train: Sequence[Sequence[int]],
    settings: RecommenderSettings = DEFAULT_SETTINGS,
    item_embeddings: np.ndarray | None = None,
) -> RecommenderModel:
    return fit_recommender(
        papers,
        saves_matrix(train, len(papers)).positives,
        settings=settings,
        item_embeddings=item_embeddings,
    )


def evaluate_split(
    papers: Sequence[PaperText],
    split: Split,
    *,
    settings: RecommenderSettings = DEFAULT_SETTINGS,
    item_embeddings: np.ndarray | None = None,
    cutoffs: Sequence[int] = CUTOFFS,
    baselines: Sequence[str] = BASELINES,
    seed: int = RANDOM_SEED,
    seconds: dict[str, float] | None = None,
) -> dict[str, dict[str, Recall]]:
    """ranking -> method -> recall@M on one split."""
    seconds = {} if seconds is None else seconds
    k, n_items = max(cutoffs), len(papers)
    started = time.perf_counter()
    model = fit_on(papers, split.train, settings, item_embeddings)
    seconds["fit"] = seconds.get("fit", 0.0) + time.perf_counter() - started
    methods: dict[str, Callable[[], BlockScores]] = {
        RANKER: lambda: ranker_scores(model, split.train),
        "tfidf_profile": lambda: tfidf_profile_scores(papers, split.train),
        "random": lambda: random_scores(n_items, seed),
        "most_popular": lambda: most_popular_scores(split.train, n_items),
    }
    recall: dict[str, dict[str, Recall]] = {}
    for name in [RANKER, *baselines]:
        started = time.perf_counter()
        lists = ranked_lists(methods[name](), split.train, n_items, k, candidates=split.candidates)
        for ranking, ranked in lists.items():
            recall.setdefault(ranking, {})[name] = recall_at(ranked, split.test, cutoffs)
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started
    return recall


def evaluate(
    papers: Sequence[PaperText],
    splits: Sequence[Split],
    *,
    settings: RecommenderSettings = DEFAULT_SETTINGS,
    item_embeddings: np.ndarray | None = None,
    cutoffs: Sequence[int] = CUTOFFS,
    baselines: Sequence[str] = BASELINES,
    seed: int = RANDOM_SEED,
) -> EvaluationReport:
    """``evaluate_split`` on every split, recall averaged over the splits."""
    started = time.perf_counter()
    if item_embeddings is None and settings.embedding_weight:
        item_embeddings = embed_papers(papers)
    seconds: dict[str, float] = {"embed": time.perf_counter() - started}
    runs = [
        evaluate_split(
            papers,
            split,
            settings=settings,
            item_embeddings=item_embeddings,
            cutoffs=cutoffs,
            baselines=baselines,
            seed=seed,
            seconds=seconds,
        )
        for split in splits
    ]
    recall = {
        ranking: {
            method: {m: float(round(np.mean([r[ranking][method][m] for r in runs]), 6)) for m in values}
            for method, values in methods.items()
        }
        for ranking, methods in runs[0].items()
    }
    seconds["total"] = time.perf_counter() - started
    return EvaluationReport(
        recall=recall,
        seconds=seconds,
        evaluated_users=sum(1 for items in splits[0].test if len(items)),
        splits=len(splits),
    )


def embed_papers(papers: Sequence[PaperText]) -> np.ndarray:
    """Every paper's text embedding (title and abstract), as the catalogue stores them."""
    from recommender.embeddings import embed_texts, paper_text

    return embed_texts([paper_text(p.title, p.abstract) for p in papers])


def protocol_splits(
    directory: Path | str, protocol: str, seeds: Sequence[int] = NEW_PAPERS_SEEDS
) -> tuple[list[PaperText], list[Split]]:
    """The papers of a CiteULike-style directory and the protocol's test split(s)."""
    directory = Path(directory)
    if protocol in ("p1", "p10"):
        data = load_citeulike(directory, int(protocol[1:]))
        return data.papers, [Split(train=data.train, test=data.test)]
    if protocol != "new":
        raise ValueError(f"unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")
    papers = read_items(directory / "items.jsonl")
    users = read_user_lines(directory / "users.dat", len(papers))
    return papers, [new_papers_split(users, len(papers), seed=seed) for seed in seeds]
