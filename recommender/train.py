"""Fitting the hybrid recommender: text features, co-save graph and priors, as plain arrays.

A fitted ``RecommenderModel`` holds everything scoring needs and nothing that needs Django:

- ``item_features``: TF-IDF rows of every paper, about unit length (see ``features``). A user's content score
  for a paper is the similarity of the paper to the sum of the user's (time-weighted) papers, i.e. an
  ItemKNN over all neighbours computed as profile x catalogue, so no item x item matrix is stored.
- ``co_saves``: an RP3beta item x item graph from everyone's saves and upvotes (a random walk
  paper -> reader -> paper, damped by ``cf_alpha`` and divided by the target's popularity to the power
  ``cf_beta``), keeping the ``cf_neighbours`` strongest links per paper.
- ``popularity`` and ``recency``: light priors in [0, 1].

How a user's profile is widened (co-saved papers, or content feedback when nobody co-saved their papers)
and how the parts are blended at scoring time is in ``rank``.

How the parts are blended is in ``RecommenderSettings``; the defaults below are what ``tuning`` chose on
a validation split carved from CiteULike-a's P=10 training data (see that module for the procedure and the
numbers), except ``embedding_weight`` and ``borrowed_co_save_weight``, chosen on validation splits of both
CiteULike datasets and both regimes (``validation``; figures in ``docs/recommender-evaluation.md``).
The nightly task and ``evaluate_recommender`` both call ``fit_recommender`` with these defaults.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from recommender.features import FeatureSettings, PaperText, TextFeatures, fit_text_features
from recommender.topk import keep_top_per_row, top_k_dense


@dataclass(frozen=True)
class RecommenderSettings:
    features: FeatureSettings = field(default_factory=FeatureSettings)
    # A user's profile keeps its strongest terms only; bounds the cost of a heavy reader's re-rank.
    profile_max_terms: int = 1000
    # Papers co-saved with the user's papers join the term profile with this weight times their
    # (catalogue-scaled) co-save score.
    profile_co_save_weight: float = 8.0
    profile_co_save_papers: int = 50
    # Pseudo-relevance feedback: the best few content matches join the profile (titles are short, so
    # this brings in their synonyms), weighted relative to the user's own papers.
    feedback_papers: int = 10
    feedback_weight: float = 3.0
    cf_neighbours: int = 200
    cf_alpha: float = 0.5
    cf_beta: float = 0.5
    # Blend weights by history length (number of positive papers): bucket i holds users with
    # history <= history_edges[i]; the last bucket holds everyone longer. Content has weight 1.
    history_edges: tuple[int, ...] = (1, 4)
    cf_weights: tuple[float, ...] = (8.0, 2.0, 3.0)
    popularity_weights: tuple[float, ...] = (0.0, 0.0, 0.0)
    # The popularity weight for users with no co-save evidence at all (content + priors only).
    popularity_weight_alone: float = 0.3
    # A product choice, not validated (CiteULike-a has no such readers): a reader who has only picked
    # onboarding topics told us what they want, so popular papers just break ties between matches.
    popularity_weight_topics: float = 0.05
    # Not validated (CiteULike-a has no dates); a gentle push towards this week's papers.
    recency_weight: float = 0.05
    recency_half_life_days: float = 14.0
    # How far a paper exactly like an abandoned or dismissed one drops (content scores peak at 1).
    negative_weight: float = 0.5
    # Similar-papers lists: weight of the (catalogue-scaled) co-save links next to content neighbours,
    # whose best match per paper gets 1. A product choice; CiteULike-a has no paper-page signal.
    similar_cf_weight: float = 0.5
    # Meaning next to words: the content part is the TF-IDF similarity plus this weight times the
    # similarity of the paper's text embedding to the user's (see ``rank``); 0 scores words alone.
    # Without stored embeddings (none given to ``fit_recommender``) the model scores words alone.
    embedding_weight: float = 0.25
    # Papers nobody has saved (every new paper) have no co-save links of their own; they borrow those of
    # their closest saved papers in meaning (``fit_borrowed_co_saves``), at this fraction of the co-save
    # weight, so the co-save part does not bury them under older papers. 0 turns it off.
    borrowed_co_save_weight: float = 2.0
    borrowed_co_save_neighbours: int = 10

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> RecommenderSettings:
        data: dict[str, Any] = json.loads(text)
        features = FeatureSettings(**data.pop("features"))
        data = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
        return cls(features=features, **data)

    def with_blend(
        self,
        cf_weights: Sequence[float],
        popularity_weights: Sequence[float],
        popularity_weight_alone: float | None = None,
    ) -> RecommenderSettings:
        alone = self.popularity_weight_alone if popularity_weight_alone is None else popularity_weight_alone
        return replace(
            self,
            cf_weights=tuple(cf_weights),
            popularity_weights=tuple(popularity_weights),
            popularity_weight_alone=alone,
        )


DEFAULT_SETTINGS = RecommenderSettings()


@dataclass
class RecommenderModel:
    settings: RecommenderSettings
    features: TextFeatures
    item_features: sp.csr_matrix  # items x terms
    co_saves: sp.csr_matrix  # items x items
    popularity: np.ndarray  # items, in [0, 1]
    recency: np.ndarray  # items, in [0, 1]; zeros when ages are unknown
    # items x d float32 rows of unit length (``embeddings.embed_texts``); None scores words alone.
    item_embeddings: np.ndarray | None = None
    # items x items: co-save links to papers nobody has saved, borrowed from their neighbours in meaning.
    borrowed_co_saves: sp.csr_matrix | None = None
    item_features_t: sp.csr_matrix = field(init=False, repr=False)
    without_embedding: np.ndarray = field(init=False, repr=False)  # item indices with an all-zero vector

    def __post_init__(self) -> None:
        # Scoring multiplies profiles by the transposed catalogue; keeping it avoids a transpose per call.
        self.item_features_t = self.item_features.T.tocsr()
        self.without_embedding = (
            np.flatnonzero(~self.item_embeddings.any(axis=1))
            if self.item_embeddings is not None
            else np.zeros(0, dtype=np.int64)
        )

    @property
    def n_items(self) -> int:
        return int(self.item_features.shape[0])


def fit_co_saves(positives: sp.csr_matrix, *, neighbours: int, alpha: float, beta: float) -> sp.csr_matrix:
    """RP3beta item x item weights from a users x items matrix (only its non-zero pattern is used)."""
    saved = (sp.csr_matrix(positives) > 0).astype(np.float32)
    if saved.nnz == 0:
        # No reader has saved anything yet (a fresh install): no co-save links at all.
        return sp.csr_matrix((saved.shape[1], saved.shape[1]), dtype=np.float32)
    user_to_item = normalize(saved, norm="l1")
    item_to_user = normalize(saved.T.tocsr(), norm="l1")
    user_to_item.data **= alpha
    item_to_user.data **= alpha
    walk = (item_to_user @ user_to_item).tocsr()
    walk.setdiag(0)
    walk.eliminate_zeros()
    popularity = np.asarray(saved.sum(axis=0)).ravel()
    walk = walk @ sp.diags((1.0 / np.maximum(popularity, 1.0) ** beta).astype(np.float32))
    return keep_top_per_row(walk.tocsr(), neighbours).astype(np.float32)


BORROW_BLOCK_ROWS = 4096


def fit_borrowed_co_saves(
    co_saves: sp.csr_matrix,
    saved: np.ndarray,
    item_embeddings: np.ndarray,
    *,
    neighbours: int,
    keep: int | None,
    borrowers: np.ndarray | None = None,
    batch_size: int = 512,
) -> sp.csr_matrix:
    """Co-save links to the papers nobody has saved (``saved`` is False, or the given ``borrowers``),
    each borrowing the links of its ``neighbours`` closest saved papers in meaning (a similarity-weighted
    mean): row i, column j is how strongly paper i's readers' other papers point to the saved papers
    that j is about. ``keep`` links per row (None: all). A paper without an embedding borrows nothing."""
    n_items = co_saves.shape[0]
    read = np.flatnonzero(saved)
    unread = np.flatnonzero(~saved) if borrowers is None else np.asarray(borrowers, dtype=np.int64)
    if not read.size or not unread.size:
        return sp.csr_matrix((n_items, n_items), dtype=np.float32)
    read_vectors = np.ascontiguousarray(item_embeddings[read])
    rows, cols, weights = [], [], []
    m = min(neighbours, read.size)
    # A dense block of batch_size x read papers at a time (float32): about 100 MB at 50k read papers.
    for start in range(0, unread.size, batch_size):
        chunk = unread[start : start + batch_size]
        top = top_k_dense(item_embeddings[chunk] @ read_vectors.T, m)
        similarity = np.maximum(top.scores, 0.0)
        totals = similarity.sum(axis=1, keepdims=True)
        similarity = np.divide(similarity, totals, out=np.zeros_like(similarity), where=totals > 0)
        rows.append(read[np.maximum(top.items, 0).ravel()])
        cols.append(np.repeat(chunk, m))
        weights.append(similarity.ravel())
    # lend[k, j]: how much unread paper j borrows from read paper k.
    lend = sp.csr_matrix(
        (np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols))), shape=(n_items, n_items)
    )
    lend.eliminate_zeros()
    # By blocks of rows, each trimmed to ``keep`` before the next: the untrimmed product can hold
    # thousands of links per row, gigabytes at a 75k catalogue.
    blocks = []
    for start in range(0, n_items, BORROW_BLOCK_ROWS):
        block = sp.csr_matrix(co_saves[start : start + BORROW_BLOCK_ROWS] @ lend)
        blocks.append(keep_top_per_row(block, keep) if keep else block)
    return sp.csr_matrix(sp.vstack(blocks, format="csr"), dtype=np.float32)


def co_save_scale(positives: sp.csr_matrix, co_saves: sp.csr_matrix, quantile: float = 95.0) -> float:
    """The co-save score a well-connected user's best paper gets (a high quantile of per-user maxima)."""
    walks = sp.csr_matrix(positives @ co_saves)
    has_walks = np.flatnonzero(np.diff(walks.indptr))
    if has_walks.size == 0:
        return 1.0
    best = walks[has_walks].max(axis=1).toarray().ravel()
    return float(np.percentile(best, quantile)) or 1.0


def popularity_prior(positives: sp.csr_matrix) -> np.ndarray:
    """log(1 + readers), scaled so the most-read paper gets 1."""
    counts = np.asarray((sp.csr_matrix(positives) > 0).sum(axis=0)).ravel().astype(np.float64)
    top = np.log1p(counts.max()) if counts.size else 0.0
    return (np.log1p(counts) / top if top > 0 else np.zeros_like(counts)).astype(np.float32)


def recency_prior(item_age_days: np.ndarray | None, n_items: int, half_life_days: float) -> np.ndarray:
    if item_age_days is None:
        return np.zeros(n_items, dtype=np.float32)
    age = np.maximum(np.asarray(item_age_days, dtype=np.float64), 0.0)
    return np.power(0.5, age / half_life_days).astype(np.float32)


def fit_recommender(
    papers: Sequence[PaperText],
    positives: sp.csr_matrix,
    *,
    settings: RecommenderSettings = DEFAULT_SETTINGS,
    item_age_days: np.ndarray | None = None,
    item_embeddings: np.ndarray | None = None,
) -> RecommenderModel:
    """Fit on the catalogue's texts and the users x items positives matrix (columns = papers).

    ``item_embeddings`` are the papers' stored text embeddings (one row per paper, in the same order);
    they are used when ``settings.embedding_weight`` is not 0."""
    if positives.shape[1] != len(papers):
        raise ValueError(f"positives has {positives.shape[1]} columns for {len(papers)} papers")
    if item_embeddings is not None and len(item_embeddings) != len(papers):
        raise ValueError(f"{len(item_embeddings)} embeddings for {len(papers)} papers")
    features, item_features = fit_text_features(papers, settings.features)
    co_saves = fit_co_saves(
        positives, neighbours=settings.cf_neighbours, alpha=settings.cf_alpha, beta=settings.cf_beta
    )
    # One catalogue-wide scale (not per user): a user whose papers have a single co-saver should get a
    # weak co-save signal, not one blown up to match everybody else's best.
    co_saves = (co_saves / np.float32(co_save_scale(positives, co_saves))).astype(np.float32)
    borrowed = None
    if item_embeddings is not None and settings.borrowed_co_save_weight:
        borrowed = fit_borrowed_co_saves(
            co_saves,
            np.asarray((sp.csr_matrix(positives) > 0).sum(axis=0)).ravel() > 0,
            np.asarray(item_embeddings, dtype=np.float32),
            neighbours=settings.borrowed_co_save_neighbours,
            keep=settings.cf_neighbours,
        )
    return RecommenderModel(
        settings=settings,
        features=features,
        item_features=item_features,
        co_saves=sp.csr_matrix(co_saves),
        popularity=popularity_prior(positives),
        recency=recency_prior(item_age_days, len(papers), settings.recency_half_life_days),
        item_embeddings=(
            np.ascontiguousarray(item_embeddings, dtype=np.float32)
            if item_embeddings is not None and (settings.embedding_weight or settings.borrowed_co_save_weight)
            else None
        ),
        borrowed_co_saves=borrowed,
    )


def add_items(
    model: RecommenderModel,
    papers: Sequence[PaperText],
    *,
    item_age_days: np.ndarray | None = None,
    item_embeddings: np.ndarray | None = None,
) -> RecommenderModel:
    """The model with papers appended after the existing ones (new indices n_items, n_items + 1, ...).

    New papers are transformed with the fitted vectorizers; nobody has saved them yet, so they have no
    co-save links and no popularity, and reach users through content (and recency), and through the
    co-save links they borrow from their closest saved papers in meaning, as the nightly's unread papers
    do (``fit_borrowed_co_saves``).
    """
    n_old, n_new = model.n_items, len(papers)
    co_saves = sp.csr_matrix(model.co_saves, copy=True)
    co_saves.resize((n_old + n_new, n_old + n_new))
    embeddings = _appended_embeddings(model, item_embeddings, n_new)
    borrowed = None
    if model.borrowed_co_saves is not None and embeddings is not None:
        borrowed = sp.csr_matrix(model.borrowed_co_saves, copy=True)
        borrowed.resize((n_old + n_new, n_old + n_new))
        saved = np.concatenate([model.popularity > 0, np.zeros(n_new, dtype=bool)])
        borrowed = sp.csr_matrix(
            borrowed
            + fit_borrowed_co_saves(
                co_saves,
                saved,
                embeddings,
                neighbours=model.settings.borrowed_co_save_neighbours,
                keep=None,
                borrowers=np.arange(n_old, n_old + n_new),
            )
        )
    return RecommenderModel(
        settings=model.settings,
        features=model.features,
        item_features=sp.vstack([model.item_features, model.features.transform(papers)], format="csr"),
        co_saves=co_saves,
        popularity=np.concatenate([model.popularity, np.zeros(n_new, dtype=np.float32)]),
        recency=np.concatenate(
            [model.recency, recency_prior(item_age_days, n_new, model.settings.recency_half_life_days)]
        ),
        item_embeddings=embeddings,
        borrowed_co_saves=borrowed,
    )


def _appended_embeddings(
    model: RecommenderModel, item_embeddings: np.ndarray | None, n_new: int
) -> np.ndarray | None:
    if model.item_embeddings is None:
        return None
    if item_embeddings is None:
        # Without their vectors the new papers are neutral on meaning (zero similarity to everything).
        item_embeddings = np.zeros((n_new, model.item_embeddings.shape[1]), dtype=np.float32)
    if len(item_embeddings) != n_new:
        raise ValueError(f"{len(item_embeddings)} embeddings for {n_new} new papers")
    return np.concatenate([model.item_embeddings, np.asarray(item_embeddings, dtype=np.float32)])
