"""Baselines printed beside the ranker: random, most popular, and the plain TF-IDF profile.

Each returns a function ``(start, stop) -> scores`` for a block of users (users x items, float32), so
``evaluate`` ranks them exactly as it ranks the shipped model (training items and, among new papers
alone, the other papers excluded the same way).

The TF-IDF profile is the simplest content recommender there is and the bar every dataset and protocol
must clear: scikit-learn ``TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=2,
max_df=0.5)`` over title (counted twice) and abstract, a user's profile the sum of their papers' rows,
and a paper's score its cosine with the profile.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from recommender.features import PaperText
from recommender.interactions import saves_matrix

BlockScores = Callable[[int, int], np.ndarray]


def random_scores(n_items: int, seed: int = 0) -> BlockScores:
    def scores(start: int, stop: int) -> np.ndarray:
        # One generator per block start, so the scores do not depend on the order blocks are run in.
        return np.random.default_rng([seed, start]).random((stop - start, n_items), dtype=np.float32)

    return scores


def most_popular_scores(train: Sequence[Sequence[int]], n_items: int) -> BlockScores:
    counts = np.bincount([i for items in train for i in items], minlength=n_items).astype(np.float32)
    return lambda start, stop: np.tile(counts, (stop - start, 1))


def tfidf_documents(papers: Sequence[PaperText]) -> list[str]:
    return [f"{p.title} {p.title} {p.abstract}" for p in papers]


def tfidf_profile_scores(papers: Sequence[PaperText], train: Sequence[Sequence[int]]) -> BlockScores:
    vectorizer = TfidfVectorizer(
        sublinear_tf=True, stop_words="english", min_df=2, max_df=0.5, dtype=np.float32
    )
    rows = vectorizer.fit_transform(tfidf_documents(papers))  # l2-normalised rows
    profiles = normalize(saves_matrix(train, len(papers)).positives @ rows)

    def scores(start: int, stop: int) -> np.ndarray:
        # Catalogue (sparse) times a dense block of profiles: a few times faster than sparse x sparse
        # when nearly every paper shares a term with the profile.
        return np.asarray(rows @ profiles[start:stop].T.toarray()).T

    return scores
