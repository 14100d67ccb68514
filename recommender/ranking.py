"""From a model and users' signal rows to the Recommendation and SimilarPaper rows the pages read.

Shared by the nightly run (every active user) and the re-rank task (one user), so both write the same
thing: the top papers with the main reason for each, in words the feed can show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from django.db import transaction
from django.db.models import Model

from papers.bulk_insert import insert_rows
from recommender import explain as explaining
from recommender.models import Recommendation, SimilarPaper
from recommender.rank import blend_weights, user_profiles
from recommender.topics import topic_profile
from recommender.topk import TopK
from recommender.train import RecommenderModel

TOP_K = 200
# Shared terms are worked out for the cards a reader sees first; deeper ranks still name the closest
# saved paper, which is most of what a reason says.
EXPLAINED_WITH_TERMS = 40

REASON_KINDS = {
    explaining.SIMILAR_TO_SAVED: Recommendation.Reason.SIMILAR,
    explaining.MATCHES_TOPICS: Recommendation.Reason.TERMS,
    explaining.CO_SAVED: Recommendation.Reason.COLLABORATIVE,
    explaining.POPULAR: Recommendation.Reason.POPULAR,
    explaining.NEW: Recommendation.Reason.NEW,
}


def interest_profiles(model: RecommenderModel, interests: Sequence[Sequence[str]]) -> sp.csr_matrix | None:
    """Topic-word profiles (users x terms) for users who picked topics at onboarding, else None."""
    if not any(interests):
        return None
    rows = [topic_profile(model, list(terms)) for terms in interests]
    return sp.vstack(rows, format="csr")


@dataclass(frozen=True)
class MainReason:
    kind: str
    related_item: int | None
    terms: tuple[str, ...]


def main_reasons(
    model: RecommenderModel,
    positives: sp.csr_matrix,
    negatives: sp.csr_matrix,
    profile: sp.csr_matrix | None,
    items: Sequence[int],
    *,
    n_terms: int = 4,
    with_terms: int = EXPLAINED_WITH_TERMS,
) -> list[MainReason]:
    """The strongest reason for each of one user's top papers, computed for all of them at once.

    The same parts and weights as `rank.blend` (and `explain.explain`), but evaluated only at the
    user's top papers with a handful of sparse products, instead of re-scoring the catalogue per paper:
    this is what keeps explaining 10,000 users x 200 papers inside the nightly budget.
    """
    settings = model.settings
    items_array = np.asarray(items, dtype=np.int64)
    candidates = model.item_features[items_array]
    term_profile = user_profiles(model, positives, profile)
    content = (term_profile @ candidates.T).toarray().ravel()
    if content.max(initial=0.0) > 0:
        content = content / content.max()
    co_saves = (positives @ model.co_saves).toarray().ravel()[items_array] if positives.nnz else 0 * content
    user_co_saves = positives @ model.co_saves if positives.nnz else None
    has_co_saves = np.array([user_co_saves is not None and user_co_saves.nnz > 0])
    w_cf, w_pop = blend_weights(settings, np.diff(positives.indptr), has_co_saves)
    parts = np.vstack(
        [
            content,
            w_cf[0] * co_saves,
            w_pop[0] * model.popularity[items_array],
            settings.recency_weight * model.recency[items_array],
        ]
    )
    main = parts.argmax(axis=0)

    saved, saved_weights = positives.indices, positives.data
    closest = co_via = np.full(len(items_array), -1)
    if saved.size:
        similarity = (model.item_features[saved] @ candidates.T).toarray()
        closest = saved[similarity.argmax(axis=0)]
        closest = np.where(similarity.max(axis=0) > 0, closest, -1)
        walks = (sp.diags(saved_weights) @ model.co_saves[saved]).tocsc()[:, items_array].toarray()
        co_via = np.where(walks.max(axis=0) > 0, saved[walks.argmax(axis=0)], -1)
    terms = _shared_terms(model, term_profile, candidates[:with_terms], n_terms) if n_terms else []

    reasons = []
    for column, part in enumerate(main):
        shared = terms[column] if column < len(terms) else ()
        if part == 0 and content[column] > 0:
            if closest[column] >= 0:
                reasons.append(MainReason(explaining.SIMILAR_TO_SAVED, int(closest[column]), shared))
            else:
                reasons.append(MainReason(explaining.MATCHES_TOPICS, None, shared))
        elif part == 1 and co_via[column] >= 0:
            reasons.append(MainReason(explaining.CO_SAVED, int(co_via[column]), ()))
        elif part == 3:
            reasons.append(MainReason(explaining.NEW, None, ()))
        else:
            reasons.append(MainReason(explaining.POPULAR, None, ()))
    return reasons


def _shared_terms(
    model: RecommenderModel, term_profile: sp.csr_matrix, candidates: sp.csr_matrix, n_terms: int
) -> list[tuple[str, ...]]:
    """Per candidate, the readable terms contributing most to its similarity with the profile."""
    overlap = sp.csr_matrix(candidates.multiply(term_profile))
    names = model.features.terms()
    result = []
    for row in range(overlap.shape[0]):
        lo, hi = overlap.indptr[row], overlap.indptr[row + 1]
        order = np.argsort(-overlap.data[lo:hi], kind="stable")
        chosen: list[str] = []
        for column in overlap.indices[lo:hi][order]:
            term = str(names[column])
            # Skip character n-grams, and "spiking" once "spiking neural" is in (or the other way round).
            if not term or any(term in c or c in term for c in chosen):
                continue
            chosen.append(term)
            if len(chosen) == n_terms:
                break
        result.append(tuple(explaining.readable_term(t) for t in chosen))
    return result


def recommendation_rows(
    *,
    model: RecommenderModel,
    paper_ids: np.ndarray,
    version_id: int,
    user_id: int,
    positives: sp.csr_matrix,
    negatives: sp.csr_matrix,
    profile: sp.csr_matrix | None,
    top: TopK,
    row: int,
) -> list[Recommendation]:
    """The Recommendation rows (unsaved) of one user from their top-k and their signal rows."""
    items = [int(i) for i in top.items[row] if i >= 0]
    if not items:
        return []
    user_profile = profile[row] if profile is not None else None
    reasons = main_reasons(model, positives[row], negatives[row], user_profile, items)
    return [
        Recommendation(
            user_id=user_id,
            paper_id=int(paper_ids[item]),
            version_id=version_id,
            rank=rank,
            score=float(top.scores[row][rank - 1]),
            reason=REASON_KINDS[reason.kind],
            reason_paper_id=int(paper_ids[reason.related_item]) if reason.related_item is not None else None,
            reason_terms=list(reason.terms),
        )
        for rank, (item, reason) in enumerate(zip(items, reasons, strict=True), start=1)
    ]


def write_rows(model_class: type[Recommendation] | type[SimilarPaper], rows: Sequence[Model]) -> None:
    """Insert many rows (millions a night): COPY on PostgreSQL, bulk_create elsewhere."""
    insert_rows(model_class, rows)


def replace_user_recommendations(user_id: int, version_id: int, rows: list[Recommendation]) -> None:
    """Swap one user's rows for a version in one transaction: readers see the old list or the new."""
    with transaction.atomic():
        Recommendation.objects.filter(user_id=user_id, version_id=version_id).delete()
        write_rows(Recommendation, rows)
