"""Scoring with a fitted model: one user in milliseconds, every user in batches, similar papers.

A user's score for paper j blends three parts:

    content(j)  similarity of j to the user's term profile, scaled so the best unseen paper gets 1.
                The profile is the time-weighted sum of the user's papers' TF-IDF rows, plus any topic
                words chosen at onboarding, widened by the papers other readers co-saved with them
                (``profile_co_save_weight``); for a user whose papers nobody co-saved, it is widened
                instead by the best first-round content matches (pseudo-relevance feedback), which
                makes up for titles being short.
    co-save(j)  RP3beta walk from the user's papers to j through other readers, on a catalogue-wide
                scale (thin evidence stays weak).
    prior(j)    popularity and recency in [0, 1].

    score = content + w_cf(h) * co-save + w_pop(h) * popularity + w_recency * recency - penalty

where h is the number of papers in the user's history and the weights come from the model's settings
(``tuning`` explains how they were chosen). ``penalty`` is ``negative_weight`` times the similarity of j
to the user's abandoned and dismissed papers. Papers the user already acted on (positively or not)
score -inf and are never returned.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from typing import TypeVar

import numpy as np
import scipy.sparse as sp

from recommender.topk import TopK, keep_top_per_row, top_k_dense
from recommender.train import RecommenderModel, RecommenderSettings

DEFAULT_BATCH_SIZE = 128
T = TypeVar("T")
DEFAULT_THREADS = 2


@dataclass(frozen=True)
class ScoreParts:
    """Per-user normalised components for a block of users (dense users x items)."""

    content: np.ndarray
    co_saves: np.ndarray
    penalty: np.ndarray | None
    history: np.ndarray  # number of positive papers per user
    has_co_saves: np.ndarray  # whether any unseen paper is co-saved with the user's papers
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
    # The strongest few co-saved papers carry the signal; hundreds more only make profiles slow to build.
    walk = keep_top_per_row(sp.csr_matrix(positives @ model.co_saves), model.settings.profile_co_save_papers)
    return sp.csr_matrix(positives + np.float32(weight) * walk)


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

    co_saves = (positives @ model.co_saves).toarray()
    co_saves[known.row, known.col] = 0.0
    has_co_saves = co_saves.max(axis=1) > 0
    term_profiles = user_profiles(model, positives, profiles)
    content = (term_profiles @ model.item_features_t).toarray()
    content[known.row, known.col] = 0.0
    # Users without co-save evidence get their profile widened by content feedback instead.
    alone = np.flatnonzero(~has_co_saves)
    if alone.size and model.settings.feedback_papers and model.settings.feedback_weight:
        content[alone] = _with_feedback(
            model, positives[alone], term_profiles[alone], content[alone], known.tocsr()[alone].tocoo()
        )
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
        has_co_saves=has_co_saves,
        known=known.tocsr(),
    )


def _with_feedback(
    model: RecommenderModel,
    positives: sp.csr_matrix,
    term_profiles: sp.csr_matrix,
    content: np.ndarray,
    known: sp.coo_matrix,
) -> np.ndarray:
    """Content scores again, from profiles that include the best first-round matches."""
    settings = model.settings
    n_users = content.shape[0]
    m = min(settings.feedback_papers, content.shape[1])
    best = np.argpartition(-content, m - 1, axis=1)[:, :m]
    weights = np.take_along_axis(content, best, axis=1)
    totals = weights.sum(axis=1, keepdims=True)
    mass = np.maximum(np.asarray(positives.sum(axis=1)), 1.0)
    weights = np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)
    weights *= settings.feedback_weight * mass
    feedback = sp.csr_matrix(
        (weights.ravel().astype(np.float32), (np.repeat(np.arange(n_users), m), best.ravel())),
        shape=content.shape,
    )
    profiles = keep_top_per_row(
        sp.csr_matrix(term_profiles + feedback @ model.item_features), settings.profile_max_terms
    )
    content = (profiles @ model.item_features_t).toarray()
    content[known.row, known.col] = 0.0
    return content


def blend_weights(
    settings: RecommenderSettings, history: np.ndarray, has_co_saves: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(w_cf, w_pop) per user: by history-length bucket, or the content-only popularity weight for
    users whose papers nobody else co-saved (a new site, a niche reader, every CiteULike P=1 user), or
    the topics-only weight for a reader whose only signal is the topics they picked at onboarding."""
    bucket = np.searchsorted(np.asarray(settings.history_edges), history, side="left")
    w_pop = np.asarray(settings.popularity_weights, dtype=np.float32)[bucket]
    alone = np.where(
        history > 0,
        np.float32(settings.popularity_weight_alone),
        np.float32(settings.popularity_weight_topics),
    )
    return (
        np.asarray(settings.cf_weights, dtype=np.float32)[bucket],
        np.where(has_co_saves, w_pop, alone).astype(np.float32),
    )


def blend(
    model: RecommenderModel, parts: ScoreParts, settings: RecommenderSettings | None = None
) -> np.ndarray:
    """Final scores (users x items) from the parts; known papers are -inf."""
    settings = settings or model.settings
    w_cf, w_pop = blend_weights(settings, parts.history, parts.has_co_saves)
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


@dataclass(frozen=True)
class TopParts:
    """The blend's components at each user's top items (users x k), weighted as `blend` weighs them."""

    content: np.ndarray
    co_saves: np.ndarray
    popularity: np.ndarray
    recency: np.ndarray

    CONTENT, CO_SAVES, POPULARITY, RECENCY = range(4)

    def main(self) -> np.ndarray:
        """Index of the component that contributes most to each item's score (users x k)."""
        return np.stack([self.content, self.co_saves, self.popularity, self.recency]).argmax(axis=0)


def top_parts(model: RecommenderModel, parts: ScoreParts, top: TopK) -> TopParts:
    settings = model.settings
    w_cf, w_pop = blend_weights(settings, parts.history, parts.has_co_saves)
    items = np.maximum(top.items, 0)  # padding (-1) reads item 0; its slot is empty anyway
    rows = np.arange(items.shape[0])[:, None]
    return TopParts(
        content=parts.content[rows, items],
        co_saves=w_cf[:, None] * parts.co_saves[rows, items],
        popularity=w_pop[:, None] * model.popularity[items],
        recency=np.float32(settings.recency_weight) * model.recency[items],
    )


def _in_batches(n_rows: int, batch_size: int, n_threads: int, run: Callable[[int], T]) -> list[T]:
    """`run(start)` for every batch start, on a few threads (scipy and numpy release the GIL)."""
    with ThreadPoolExecutor(max_workers=max(1, n_threads)) as pool:
        return list(pool.map(run, range(0, n_rows, batch_size)))


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
    return recommend_with_parts(
        model, positives, negatives, k=k, profiles=profiles, batch_size=batch_size, n_threads=n_threads
    )[0]


def recommend_with_parts(
    model: RecommenderModel,
    positives: sp.csr_matrix,
    negatives: sp.csr_matrix | None = None,
    *,
    k: int = 200,
    profiles: sp.csr_matrix | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    n_threads: int = DEFAULT_THREADS,
) -> tuple[TopK, TopParts]:
    """`recommend`, plus the blend's components at the chosen items: what a reason is made of,
    read off the scores already computed instead of scoring the items again to explain them."""
    n_users = positives.shape[0]
    positives = as_rows(positives, n_users, model.n_items)
    negatives = as_rows(negatives, n_users, model.n_items)

    def run(start: int) -> tuple[TopK, TopParts]:
        stop = min(start + batch_size, n_users)
        extra = profiles[start:stop] if profiles is not None else None
        parts = score_parts(model, positives[start:stop], negatives[start:stop], extra)
        top = top_k_dense(blend(model, parts), k)
        return top, top_parts(model, parts, top)

    results = _in_batches(n_users, batch_size, n_threads, run)
    if not results:
        empty = np.zeros((0, k), dtype=np.float32)
        return TopK(np.zeros((0, k), dtype=np.int32), empty), TopParts(empty, empty, empty, empty)
    tops, parts = zip(*results, strict=True)
    return (
        TopK(items=np.concatenate([t.items for t in tops]), scores=np.concatenate([t.scores for t in tops])),
        TopParts(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(TopParts))),
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
        diagonal = (np.arange(len(chunk)), chunk)
        rows = keep_top_per_row(model.item_features[chunk], model.settings.profile_max_terms)
        scores = (rows @ model.item_features_t).toarray()
        scores[diagonal] = 0.0  # a paper is not its own best match: scale by the best other one
        _scale_rows(scores)
        # Co-save links are sparse: added where they are, not through a second dense block.
        links = sp.csr_matrix(model.co_saves[chunk]).tocoo()
        scores[links.row, links.col] += weight * links.data
        scores[diagonal] = -np.inf
        return top_k_dense(scores, n)

    results = _in_batches(len(items), batch_size, n_threads, run)
    if not results:
        return TopK(np.zeros((0, n), dtype=np.int32), np.zeros((0, n), dtype=np.float32))
    return TopK(
        items=np.concatenate([r.items for r in results]), scores=np.concatenate([r.scores for r in results])
    )
