"""From a model and users' signal rows to the Recommendation rows the feed reads (scored, explained, COPYed).

Shared by the nightly run (every active user) and the re-rank task (one user), so both write the same
thing: the top papers with the main reason for each, in words the feed can show.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.db import transaction

from papers.bulk_insert import copy_rows
from recommender import explain as explaining
from recommender.models import Recommendation
from recommender.scoring import DEFAULT_THREADS, TopParts, recommend_with_parts, user_profiles
from recommender.topics import topic_profile
from recommender.topk import TopK
from recommender.train import RecommenderModel

TOP_K = 200
# Shared terms are worked out for the first page of the feed; deeper ranks still name the closest saved
# paper, which is most of what a reason says.
EXPLAINED_WITH_TERMS = 20

# Reason codes as the explainer computes them (array positions) and as the rows store them.
REASONS = (
    Recommendation.Reason.SIMILAR,
    Recommendation.Reason.TERMS,
    Recommendation.Reason.COLLABORATIVE,
    Recommendation.Reason.NEW,
    Recommendation.Reason.POPULAR,
)
SIMILAR, TERMS, COLLABORATIVE, NEW, POPULAR = range(len(REASONS))


def interest_profiles(model: RecommenderModel, interests: Sequence[Sequence[str]]) -> sp.csr_matrix | None:
    """Topic-word profiles (users x terms) for users who picked topics at onboarding, else None."""
    if not any(interests):
        return None
    rows = [topic_profile(model, list(terms)) for terms in interests]
    return sp.vstack(rows, format="csr")


@dataclass(frozen=True)
class UserReasons:
    """The main reason for each of one user's top papers: a code (`REASONS`), the catalogue index of
    the saved paper it names (-1 for none), and shared terms for the first few."""

    codes: list[int]
    related: list[int]
    terms: dict[int, tuple[str, ...]]


class _Explainer:
    """The main reason for each of a block of users' top papers.

    The reason's kind is read off the blend's parts at each paper (`rank.TopParts`), which scoring
    already computed; what is left per user is which saved paper a reason names (the closest one for
    content, the one the co-save walk came from for co-saves) and the shared terms of the first cards.
    Everything is a few array operations per user, no re-scoring of the catalogue: this is what keeps
    explaining 10,000 users x 200 papers inside the nightly budget.
    """

    def __init__(self, model: RecommenderModel, n_terms: int, with_terms: int) -> None:
        self.model = model
        self.n_terms = n_terms
        self.with_terms = with_terms
        self.names = model.features.terms()
        # Scratch lookups, reset after each use (-1 = absent): paper -> position among one user's top
        # papers, and term -> compact column. Lookups by indexing beat sorting and searching here.
        self.position = np.full(model.n_items, -1, dtype=np.int64)
        self.slot = np.full(model.item_features.shape[1], -1, dtype=np.int64)

    def block(
        self,
        positives: sp.csr_matrix,
        profiles: sp.csr_matrix | None,
        top: TopK,
        parts: TopParts,
    ) -> list[UserReasons]:
        positives = sp.csr_matrix(positives, dtype=np.float32)
        term_profiles = user_profiles(self.model, positives, profiles) if self.n_terms else None
        main = parts.main()
        reasons = []
        for row in range(positives.shape[0]):
            lo, hi = positives.indptr[row], positives.indptr[row + 1]
            items = top.items[row]
            n = int((items >= 0).sum())
            reasons.append(
                self._user(
                    items[:n],
                    main[row, :n],
                    parts.content[row, :n],
                    positives.indices[lo:hi],
                    positives.data[lo:hi],
                    term_profiles[row] if term_profiles is not None else None,
                )
            )
        return reasons

    def _user(
        self,
        items: np.ndarray,
        main: np.ndarray,
        content: np.ndarray,
        saved: np.ndarray,
        saved_weights: np.ndarray,
        term_profile: sp.csr_matrix | None,
    ) -> UserReasons:
        model = self.model
        n = len(items)
        closest = co_via = np.full(n, -1)
        candidates = model.item_features[items]
        if saved.size:
            similarity = self._similarity(model.item_features[saved], candidates)
            closest = np.where(similarity.max(axis=0) > 0, saved[similarity.argmax(axis=0)], -1)
            co_via = self._co_save_sources(items, saved, saved_weights)
        by_content = (main == TopParts.CONTENT) & (content > 0)
        by_co_saves = (main == TopParts.CO_SAVES) & (co_via >= 0)
        codes = np.select(
            [by_content & (closest >= 0), by_content, by_co_saves, main == TopParts.RECENCY],
            [SIMILAR, TERMS, COLLABORATIVE, NEW],
            default=POPULAR,
        )
        related = np.select([codes == SIMILAR, codes == COLLABORATIVE], [closest, co_via], default=-1)
        explained = np.flatnonzero(by_content[: self.with_terms])
        terms = (
            self._shared_terms(candidates[explained], term_profile)
            if term_profile is not None and explained.size
            else []
        )
        return UserReasons(
            codes.tolist(), related.tolist(), dict(zip(explained.tolist(), terms, strict=True))
        )

    def _co_save_sources(self, items: np.ndarray, saved: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """For each item, the saved paper whose (weighted) co-save link to it is strongest, else -1."""
        co_saves = self.model.co_saves
        starts, stops = co_saves.indptr[saved], co_saves.indptr[saved + 1]
        lengths = stops - starts
        if not lengths.sum():
            return np.full(len(items), -1)
        owner = np.repeat(np.arange(len(saved)), lengths)
        entries = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths) + starts[owner]
        self.position[items] = np.arange(len(items))
        column = self.position[co_saves.indices[entries]]
        self.position[items] = -1
        hit = column >= 0
        links = np.zeros((len(saved), len(items)), dtype=np.float32)
        links[owner[hit], column[hit]] = co_saves.data[entries[hit]] * weights[owner[hit]]
        return np.where(links.max(axis=0) > 0, saved[links.argmax(axis=0)], -1)

    def _similarity(self, saved: sp.csr_matrix, candidates: sp.csr_matrix) -> np.ndarray:
        """saved x candidates.T, dense, for a few dozen saved papers and a few hundred candidates.

        Over the compact set of the saved papers' terms: transposing a block over the whole vocabulary
        (a million columns) costs more than the product itself, and a candidate's other terms add nothing.
        """
        n_terms = len(saved.indices)
        self.slot[saved.indices] = np.arange(n_terms)  # a term in several saved papers keeps one slot
        saved_at, candidate_at = self.slot[saved.indices], self.slot[candidates.indices]
        self.slot[saved.indices] = -1
        shared = candidate_at >= 0
        row_of = np.repeat(np.arange(candidates.shape[0]), np.diff(candidates.indptr))
        left = sp.csr_matrix((saved.data, saved_at, saved.indptr), shape=(saved.shape[0], n_terms))
        right = sp.csc_matrix(
            (candidates.data[shared], (candidate_at[shared], row_of[shared])),
            shape=(n_terms, candidates.shape[0]),
        )
        return np.asarray((left @ right).toarray())

    def _shared_terms(self, candidates: sp.csr_matrix, term_profile: sp.csr_matrix) -> list[tuple[str, ...]]:
        """Per candidate, the readable terms contributing most to its similarity with the profile."""
        self.slot[term_profile.indices] = np.arange(len(term_profile.indices))
        at = self.slot[candidates.indices]
        self.slot[term_profile.indices] = -1
        overlap = np.where(at >= 0, candidates.data * term_profile.data[at], 0.0)
        result = []
        for row in range(candidates.shape[0]):
            lo, hi = candidates.indptr[row], candidates.indptr[row + 1]
            weights, columns = overlap[lo:hi], candidates.indices[lo:hi]
            chosen: list[str] = []
            for at_term in np.argsort(-weights, kind="stable"):
                if weights[at_term] <= 0:
                    break  # the rest are terms the profile does not have
                term = str(self.names[columns[at_term]])
                # Skip character n-grams, and "spiking" once "spiking neural" is in (or the other way round).
                if not term or any(term in c or c in term for c in chosen):
                    continue
                chosen.append(term)
                if len(chosen) == self.n_terms:
                    break
            result.append(tuple(explaining.readable_term(t) for t in chosen))
        return result


@dataclass(frozen=True)
class UserBlock:
    """A block of users' signal rows (rows of `positives` are users, columns papers)."""

    user_ids: Sequence[int] | np.ndarray
    positives: sp.csr_matrix
    negatives: sp.csr_matrix
    profiles: sp.csr_matrix | None = None


@dataclass(frozen=True)
class RankedBlock:
    users: UserBlock
    top: TopK
    parts: TopParts


def rank_block(model: RecommenderModel, users: UserBlock, *, n_threads: int = DEFAULT_THREADS) -> RankedBlock:
    """Scoring: each user's top papers and what their scores are made of (sparse products, GIL-free)."""
    top, parts = recommend_with_parts(
        model, users.positives, users.negatives, k=TOP_K, profiles=users.profiles, n_threads=n_threads
    )
    return RankedBlock(users, top, parts)


def block_rows(
    model: RecommenderModel,
    ranked: RankedBlock,
    *,
    paper_ids: np.ndarray,
    version_id: int,
    n_terms: int = 4,
    with_terms: int = EXPLAINED_WITH_TERMS,
) -> Iterator[tuple[Any, ...]]:
    """Recommendation rows (as `ROW_COLUMNS` tuples) of a ranked block, each with its main reason."""
    users, top = ranked.users, ranked.top
    reasons = _Explainer(model, n_terms, with_terms).block(users.positives, users.profiles, top, ranked.parts)
    paper_id = paper_ids.tolist()
    for user_id, items, scores, reason in zip(
        np.asarray(users.user_ids).tolist(), top.items.tolist(), top.scores.tolist(), reasons, strict=True
    ):
        terms = reason.terms
        for rank, (item, score, code, related) in enumerate(
            zip(items, scores, reason.codes, reason.related, strict=False), start=1
        ):
            yield (
                user_id,
                paper_id[item],
                version_id,
                rank,
                score,
                REASONS[code],
                paper_id[related] if related >= 0 else None,
                list(terms.get(rank - 1, ())),
            )


def explained_rows(
    model: RecommenderModel, users: UserBlock, *, paper_ids: np.ndarray, version_id: int, n_threads: int = 1
) -> Iterator[tuple[Any, ...]]:
    """`rank_block` then `block_rows`: one user's re-rank, or any block in one go."""
    ranked = rank_block(model, users, n_threads=n_threads)
    return block_rows(model, ranked, paper_ids=paper_ids, version_id=version_id)


ROW_COLUMNS = (
    "user_id",
    "paper_id",
    "version_id",
    "rank",
    "score",
    "reason",
    "reason_paper_id",
    "reason_terms",
)


def write_recommendations(rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert `explained_rows` output (millions a night): COPY on PostgreSQL, bulk_create elsewhere."""
    return copy_rows(Recommendation, ROW_COLUMNS, rows)


def replace_user_recommendations(user_id: int, version_id: int, rows: Iterable[tuple[Any, ...]]) -> None:
    """Swap one user's rows for a version in one transaction: readers see the old list or the new."""
    with transaction.atomic():
        Recommendation.objects.filter(user_id=user_id, version_id=version_id).delete()
        write_recommendations(rows)
