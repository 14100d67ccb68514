"""Cold start: onboarding topics derived from the catalogue, and profiles built from topics or seeds.

A new user picks a few topics (or a few papers they like); that becomes a term profile (or a positives
row) that ``rank.score_user`` / ``rank.recommend`` accept like any other user's history, so the first feed
is personal before the first save.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import NMF
from sklearn.preprocessing import normalize

from recommender.train import RecommenderModel


@dataclass(frozen=True)
class Topic:
    label: str  # the first few terms, e.g. "spiking, neuromorphic, snn"
    terms: tuple[str, ...]


def topic_profile(model: RecommenderModel, terms: Sequence[str]) -> sp.csr_matrix:
    """A 1 x terms profile from topic words; each term counts once, whatever its length."""
    rows = [model.features.transform_words(term) for term in terms if term.strip()]
    if not rows:
        return sp.csr_matrix((1, model.features.n_features), dtype=np.float32)
    total = sp.csr_matrix(sum(rows[1:], rows[0]))
    return normalize(total).astype(np.float32)


def seed_positives(model: RecommenderModel, items: Sequence[int]) -> sp.csr_matrix:
    """A 1 x items positives row for a few seed papers, each weighing like a fresh save."""
    cols = np.unique(np.asarray(items, dtype=np.int64))
    return sp.csr_matrix(
        (np.ones(len(cols), dtype=np.float32), (np.zeros(len(cols), dtype=np.int64), cols)),
        shape=(1, model.n_items),
    )


def _distinct(terms: Sequence[str], n: int) -> tuple[str, ...]:
    chosen: list[str] = []
    for term in terms:
        if any(term in c or c in term for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == n:
            break
    return tuple(chosen)


def derive_topics(
    model: RecommenderModel,
    *,
    n_topics: int = 12,
    n_terms: int = 6,
    max_items: int = 20000,
    max_vocabulary: int = 20000,
    seed: int = 0,
) -> list[Topic]:
    """Labelled term clusters: NMF on the word TF-IDF of (a sample of) the catalogue."""
    start, stop = model.features.block_offsets()["words"]
    if stop == start or model.n_items == 0:
        return []
    rng = np.random.default_rng(seed)
    rows = np.arange(model.n_items)
    if model.n_items > max_items:
        rows = np.sort(rng.choice(model.n_items, size=max_items, replace=False))
    words = sp.csr_matrix(model.item_features[rows][:, start:stop])
    # The most widespread terms carry the topics; rare ones only slow NMF down.
    document_frequency = np.bincount(words.indices, minlength=stop - start)
    columns = np.sort(np.argsort(-document_frequency, kind="stable")[:max_vocabulary])
    columns = columns[document_frequency[columns] > 0]
    words = normalize(words[:, columns])
    n_components = min(n_topics, *words.shape)
    if n_components == 0:
        return []
    nmf = NMF(n_components=n_components, init="nndsvda", max_iter=300, random_state=seed)
    nmf.fit(words)
    names = model.features.terms()[start:stop][columns]
    topics = []
    for weights in nmf.components_:
        order = np.argsort(-weights, kind="stable")
        terms = _distinct([str(names[i]) for i in order if weights[i] > 0], n_terms)
        if terms:
            topics.append(Topic(label=", ".join(terms[:3]), terms=terms))
    return topics
