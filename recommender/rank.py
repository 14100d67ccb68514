"""Scoring with a fitted model: one user in milliseconds, every user in batches, similar papers.

A user's score for paper j blends three parts, each scaled so the user's best unseen paper gets 1:

    content(j)  similarity of j to the user's profile (the time-weighted sum of their papers' TF-IDF
                rows, plus any topic words chosen at onboarding)
    co-save(j)  RP3beta walk from the user's papers to j through other readers
    prior(j)    popularity and recency in [0, 1]

    score = content + w_cf(h) * co-save + w_pop(h) * popularity + w_recency * recency - penalty

where h is the number of papers in the user's history and the weights come from the model's settings.
``penalty`` is ``negative_weight`` times the similarity of j to the user's abandoned and dismissed papers.
Papers the user already acted on (positively or not) score -inf and are never returned.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from recommender.topk import TopK, keep_top_per_row, top_k_dense
from recommender.train import RecommenderModel, RecommenderSettings

DEFAULT_BATCH_SIZE = 128
DEFAULT_THREADS = 2


@dataclass(frozen=True)
class ScoreParts:
    """Per-user normalised components for a block of users (dense users x items)."""

    content: np.ndarray
    co_saves: np.ndarray
    penalty: np.ndarray | None
    history: np.ndarray  # number of positive papers per user
    known: sp.csr_matrix  # users x items, 1 where the user already acted on the paper


def as_rows(matrix: sp.spmatrix | np.ndarray | None, n_rows: int, n_cols: int) -> sp.csr_matrix:
    """A float32 CSR of users x items from a sparse block, a dense row, or nothing (all zeros)."""
    if matrix is None:
        return sp.csr_matrix((n_rows, n_cols), dtype=np.float32)
    if isinstance(matrix, np.ndarray):
        matrix = sp.csr_matrix(matrix.reshape(n_rows, -1))
    return sp.csr_matrix(matrix, dtype=np.float32)


def expanded_positives(model: RecommenderModel, positives: sp.csr_matrix) -> sp.csr_matrix:
    """The users' papers plus the papers co-saved with them, weighted by ``profile_co_save_weight``.

    Co-save scores are on the catalogue-wide scale, so thin evidence (one other reader) adds little;
    the profile then reaches new papers on the topics the user's fellow readers moved on to.
    """
    weight = model.settings.profile_co_save_weight
    if not weight:
        return positives
    return sp.csr_matrix(positives + np.float32(weight) * (positives @ model.co_saves))


def user_profiles(
    model: RecommenderModel, positives: sp.csr_matrix, extra: sp.csr_matrix | None = None
) -> sp.csr_matrix:
    """Term profiles (users x terms): weighted sum of the users' (expanded) paper rows plus ``extra``."""
    profiles = expanded_positives(model, positives) @ model.item_features
    if extra is not None:
        profiles = profiles + extra
    return keep_top_per_row(sp.csr_matrix(profiles), model.settings.profile_max_terms)


def _scale_rows(block: np.ndarray) -> np.ndarray:
    top = block.max(axis=1, keepdims=True)
    np.divide(block, top, out=block, where=top > 0)
    return block


def score_parts(
    model: RecommenderModel,
    positives: sp.csr_matrix,
    negatives: sp.csr_matrix | None = None,
    profiles: sp.csr_matrix | None = None,
) -> ScoreParts:
    n_users, n_items = positives.shape[0], model.n_items
    positives = as_rows(positives, n_users, n_items)
    negatives = as_rows(negatives, n_users, n_items)
    known = ((positives + negatives) > 0).tocoo()

    content = (user_profiles(model, positives, profiles) @ model.item_features_t).toarray()
    co_saves = (positives @ model.co_saves).toarray()
    for block in (content, co_saves):
        block[known.row, known.col] = 0.0
    # Content is scaled per user (their best unseen match gets 1); co-save scores already are on a
    # catalogue-wide scale (see train.co_save_scale), so a user with weak co-save evidence keeps it weak.
    _scale_rows(content)

    penalty = None
    with_negatives = np.flatnonzero(np.diff(negatives.indptr))
    if with_negatives.size:
        penalty = np.zeros((n_users, n_items), dtype=np.float32)
        # Not expanded through co-saves: a dismissal is about that paper, not about its readers.
        negative_profiles = keep_top_per_row(
            negatives[with_negatives] @ model.item_features, model.settings.profile_max_terms
        )
        penalty[with_negatives] = np.minimum((negative_profiles @ model.item_features_t).toarray(), 1.0)
    return ScoreParts(
        content=content.astype(np.float32, copy=False),
        co_saves=co_saves.astype(np.float32, copy=False),
        penalty=penalty,
        history=np.diff(positives.indptr),
        known=known.tocsr(),
    )


def blend_weights(settings: RecommenderSettings, history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(w_cf, w_pop) per user from the history-length buckets."""
    bucket = np.searchsorted(np.asarray(settings.history_edges), history, side="left")
    return (
        np.asarray(settings.cf_weights, dtype=np.float32)[bucket],
        np.asarray(settings.popularity_weights, dtype=np.float32)[bucket],
    )


def blend(
    model: RecommenderModel, parts: ScoreParts, settings: RecommenderSettings | None = None
) -> np.ndarray:
    """Final scores (users x items) from the parts; known papers are -inf."""
    settings = settings or model.settings
    w_cf, w_pop = blend_weights(settings, parts.history)
    scores = parts.content + w_cf[:, None] * parts.co_saves
    scores += w_pop[:, None] * model.popularity[None, :]
    if settings.recency_weight:
        scores += np.float32(settings.recency_weight) * model.recency[None, :]
    if parts.penalty is not None:
        scores -= np.float32(settings.negative_weight) * parts.penalty
    known = parts.known.tocoo()
    scores[known.row, known.col] = -np.inf
    return scores


def score_users(
    model: RecommenderModel,
    positives: sp.csr_matrix,
    negatives: sp.csr_matrix | None = None,
    *,
    profiles: sp.csr_matrix | None = None,
) -> np.ndarray:
    """Scores of every item for a block of users (users x items, float32, -inf for known papers)."""
    return blend(model, score_parts(model, positives, negatives, profiles))


def score_user(
    model: RecommenderModel,
    positives: sp.spmatrix | np.ndarray | None,
    negatives: sp.spmatrix | np.ndarray | None = None,
    *,
    profile: sp.csr_matrix | None = None,
) -> np.ndarray:
    """Scores of every item for one user from their current row; no refit, milliseconds."""
    n_items = model.n_items
    return score_users(
        model, as_rows(positives, 1, n_items), as_rows(negatives, 1, n_items), profiles=profile
    )[0]


def recommend(
    model: RecommenderModel,
    positives: sp.csr_matrix,
    negatives: sp.csr_matrix | None = None,
    *,
    k: int = 200,
    profiles: sp.csr_matrix | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    n_threads: int = DEFAULT_THREADS,
) -> TopK:
    """Top-k papers for every user (rows of ``positives``), computed in batches on a few threads.

    Memory is a few dense batch_size x items blocks per thread, whatever the number of users; scipy's
    sparse products and numpy's selection release the GIL, so threads use both cores.
    """
    n_users = positives.shape[0]
    positives = as_rows(positives, n_users, model.n_items)
    negatives = as_rows(negatives, n_users, model.n_items)

    def run(start: int) -> TopK:
        stop = min(start + batch_size, n_users)
        extra = profiles[start:stop] if profiles is not None else None
        return top_k_dense(
            score_users(model, positives[start:stop], negatives[start:stop], profiles=extra), k
        )

    starts = range(0, n_users, batch_size)
    with ThreadPoolExecutor(max_workers=max(1, n_threads)) as pool:
        results = list(pool.map(run, starts))
    if not results:
        return TopK(np.zeros((0, k), dtype=np.int32), np.zeros((0, k), dtype=np.float32))
    return TopK(
        items=np.concatenate([r.items for r in results]), scores=np.concatenate([r.scores for r in results])
    )


def similar_items(
    model: RecommenderModel,
    items: np.ndarray | list[int],
    *,
    n: int = 10,
    batch_size: int = DEFAULT_BATCH_SIZE,
    n_threads: int = DEFAULT_THREADS,
) -> TopK:
    """The n nearest papers to each given paper: content neighbours plus co-save neighbours."""
    items = np.asarray(items, dtype=np.int64)
    weight = np.float32(model.settings.similar_cf_weight)

    def run(start: int) -> TopK:
        chunk = items[start : start + batch_size]
        rows = keep_top_per_row(model.item_features[chunk], model.settings.profile_max_terms)
        content = (rows @ model.item_features_t).toarray()
        content[np.arange(len(chunk)), chunk] = 0.0
        content = _scale_rows(content)
        co_saves = model.co_saves[chunk].toarray()
        scores = content + weight * co_saves
        scores[np.arange(len(chunk)), chunk] = -np.inf
        return top_k_dense(scores, n)

    with ThreadPoolExecutor(max_workers=max(1, n_threads)) as pool:
        results = list(pool.map(run, range(0, len(items), batch_size)))
    if not results:
        return TopK(np.zeros((0, n), dtype=np.int32), np.zeros((0, n), dtype=np.float32))
    return TopK(
        items=np.concatenate([r.items for r in results]), scores=np.concatenate([r.scores for r in results])
    )
