"""From a model and users' signal rows to the Recommendation rows the feed reads (scored, explained, COPYed).

Shared by the nightly run (every active user) and the re-rank task (one user), so both write the same
thing: the top papers with the main reason for each, in words the feed can show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.db import transaction

from papers.bulk_insert import copy_rows
from papers.models import Paper
from recommender.dataset import ACTION_NAMES
from recommender.features import PaperText
from recommender.models import Recommendation
from recommender.scoring import DEFAULT_THREADS, TopParts, recommend_with_parts
from recommender.shared_words import idf_weight, shared_words
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
    the paper it names (-1 for none), what the reader did with that paper (`Recommendation.Action`, or
    ""), and, for the first few, words the recommended paper really shares with it."""

    codes: list[int]
    related: list[int]
    terms: dict[int, tuple[str, ...]]
    actions: list[str]


class _Explainer:
    """The main reason for each of a block of users' top papers.

    The reason's kind is read off the blend's parts at each paper (`rank.TopParts`), which scoring
    already computed; what is left per user is which saved paper a reason names (the closest one for
    content, the one the co-save walk came from for co-saves) and the shared terms of the first cards.
    Everything is a few array operations per user, no re-scoring of the catalogue: this is what keeps
    explaining 10,000 users x 200 papers inside the nightly budget.
    """

    def __init__(
        self, model: RecommenderModel, n_terms: int, with_terms: int, texts: PaperTexts | None = None
    ) -> None:
        self.model = model
        self.n_terms = n_terms
        self.with_terms = with_terms
        self.texts = texts
        self.weight = words_weight(model)
        # Scratch lookups, reset after each use (-1 = absent): paper -> position among one user's top
        # papers, and term -> compact column. Lookups by indexing beat sorting and searching here.
        self.position = np.full(model.n_items, -1, dtype=np.int64)
        self.slot = np.full(model.item_features.shape[1], -1, dtype=np.int64)

    def block(self, users: UserBlock, top: TopK, parts: TopParts) -> list[UserReasons]:
        positives = sp.csr_matrix(users.positives, dtype=np.float32)
        actions = sp.csr_matrix(users.actions) if users.actions is not None else None
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
                    actions[row] if actions is not None else None,
                    users.interests[row] if users.interests is not None else (),
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
        actions: sp.csr_matrix | None,
        interests: Sequence[str],
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
        did = [""] * n
        for position in np.flatnonzero(codes == SIMILAR).tolist():
            did[position] = _action_of(actions, int(related[position]))
        for position in np.flatnonzero(codes == TERMS).tolist():
            did[position] = Recommendation.Action.TOPICS if interests else ""
        terms = self._shared_words(items, codes, related, interests) if self.n_terms else {}
        return UserReasons(codes.tolist(), related.tolist(), terms, did)

    def _shared_words(
        self, items: np.ndarray, codes: np.ndarray, related: np.ndarray, interests: Sequence[str]
    ) -> dict[int, tuple[str, ...]]:
        """For the first cards explained by content: the words the paper shares with the paper the
        reason names (or with the reader's topics), read off both texts (recommender.shared_words)."""
        explained = [
            position
            for position in range(min(self.with_terms, len(items)))
            if codes[position] == SIMILAR or (codes[position] == TERMS and interests)
        ]
        if not explained or self.texts is None:
            return {}
        needed = {int(items[p]) for p in explained} | {int(related[p]) for p in explained if related[p] >= 0}
        text = self.texts(sorted(needed))
        words = {}
        for position in explained:
            mine = text.get(int(items[position]), "")
            other: str | Sequence[str] = (
                text.get(int(related[position]), "") if codes[position] == SIMILAR else interests
            )
            found = shared_words(mine, other, weight=self.weight, n=self.n_terms)
            if found:
                words[position] = found
        return words

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


@dataclass(frozen=True)
class UserBlock:
    """A block of users' signal rows (rows of `positives` are users, columns papers)."""

    user_ids: Sequence[int] | np.ndarray
    positives: sp.csr_matrix
    negatives: sp.csr_matrix
    profiles: sp.csr_matrix | None = None
    # What each user did with each paper (dataset.ACTION_CODES; users x papers), for a reason's verb.
    actions: sp.csr_matrix | None = None
    # Each user's onboarding topic terms, for "from your topics".
    interests: Sequence[Sequence[str]] | None = None


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
    texts: PaperTexts | None = None,
) -> Iterator[tuple[Any, ...]]:
    """Recommendation rows (as `ROW_COLUMNS` tuples) of a ranked block, each with its main reason.

    `texts` gives the title and abstract of papers by catalogue index (the nightly run has them all in
    memory); by default they are read from the database, a few dozen per user. The reasons are worked
    out here, before any row is produced: the rows are consumed inside a COPY, when the connection can
    run no other query."""
    users, top = ranked.users, ranked.top
    texts = texts or texts_from_database(paper_ids)
    reasons = _Explainer(model, n_terms, with_terms, texts).block(users, top, ranked.parts)
    return _rows(users, top, reasons, paper_ids.tolist(), version_id)


def _rows(
    users: UserBlock, top: TopK, reasons: list[UserReasons], paper_id: list[int], version_id: int
) -> Iterator[tuple[Any, ...]]:
    for user_id, items, scores, reason in zip(
        np.asarray(users.user_ids).tolist(), top.items.tolist(), top.scores.tolist(), reasons, strict=True
    ):
        terms = reason.terms
        for rank, (item, score, code, related, action) in enumerate(
            zip(items, scores, reason.codes, reason.related, reason.actions, strict=False), start=1
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
                action,
            )


def explained_rows(
    model: RecommenderModel,
    users: UserBlock,
    *,
    paper_ids: np.ndarray,
    version_id: int,
    n_threads: int = 1,
    texts: PaperTexts | None = None,
) -> Iterator[tuple[Any, ...]]:
    """`rank_block` then `block_rows`: one user's re-rank, or any block in one go."""
    ranked = rank_block(model, users, n_threads=n_threads)
    return block_rows(model, ranked, paper_ids=paper_ids, version_id=version_id, texts=texts)


# Catalogue indices -> each paper's title and abstract as one string, by index.
PaperTexts = Callable[[Sequence[int]], dict[int, str]]


def texts_from_database(paper_ids: np.ndarray) -> PaperTexts:
    """`PaperTexts` that reads the asked papers' titles and abstracts (one query per call)."""

    def read(items: Sequence[int]) -> dict[int, str]:
        by_id = {int(paper_ids[item]): int(item) for item in items}
        rows = Paper.objects.filter(pk__in=list(by_id)).values_list("pk", "title", "abstract")
        return {by_id[pk]: f"{title}\n{abstract}" for pk, title, abstract in rows}

    return read


def texts_in_memory(texts: Sequence[PaperText]) -> PaperTexts:
    """`PaperTexts` over the catalogue's texts already loaded (the nightly run)."""
    return lambda items: {int(item): f"{texts[item].title}\n{texts[item].abstract}" for item in items}


def words_weight(model: RecommenderModel) -> Callable[[str], float]:
    """A shared word's weight: its idf in the model's words block, 0 for a word it does not know."""
    vectorizer = model.features.vectorizers.get("words")
    if vectorizer is None:
        return lambda term: 0.0
    vocabulary = getattr(vectorizer, "vocabulary_", None) or vectorizer.vocabulary or {}
    return idf_weight(vocabulary, vectorizer.idf_)


def _action_of(actions: sp.csr_matrix | None, item: int) -> str:
    """What the reader did with paper `item` (the strongest of their actions), "" if unknown."""
    if actions is None or item < 0:
        return ""
    lo, hi = actions.indptr[0], actions.indptr[1]
    at = np.flatnonzero(actions.indices[lo:hi] == item)
    return ACTION_NAMES.get(int(actions.data[lo + at[0]]), "") if at.size else ""


ROW_COLUMNS = (
    "user_id",
    "paper_id",
    "version_id",
    "rank",
    "score",
    "reason",
    "reason_paper_id",
    "reason_terms",
    "reason_action",
)


def write_recommendations(rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert `explained_rows` output (millions a night): COPY on PostgreSQL, bulk_create elsewhere."""
    return copy_rows(Recommendation, ROW_COLUMNS, rows)


def replace_user_recommendations(user_id: int, version_id: int, rows: Iterable[tuple[Any, ...]]) -> None:
    """Swap one user's rows for a version in one transaction: readers see the old list or the new."""
    with transaction.atomic():
        Recommendation.objects.filter(user_id=user_id, version_id=version_id).delete()
        write_recommendations(rows)
