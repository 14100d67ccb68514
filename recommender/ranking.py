"""From a model and users' signal rows to the Recommendation and SimilarPaper rows the pages read.

Shared by the nightly run (every active user) and the re-rank task (one user), so both write the same
thing: the top papers with the main reason for each, in words the feed can show.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from django.db import connection, transaction
from django.db.models import Model

from recommender import explain as explaining
from recommender.models import Recommendation, SimilarPaper
from recommender.topics import topic_profile
from recommender.topk import TopK
from recommender.train import RecommenderModel

TOP_K = 200
# Shared terms are worked out for the cards a reader sees first; deeper ranks still name the closest
# saved paper (cheap), which is most of what a reason says.
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
    user_pos, user_neg = positives[row], negatives[row]
    user_profile = profile[row] if profile is not None else None
    reasons = explaining.explain(
        model, user_pos, items[:EXPLAINED_WITH_TERMS], negatives=user_neg, profile=user_profile, n_terms=4
    )
    if len(items) > EXPLAINED_WITH_TERMS:
        reasons += explaining.explain(
            model,
            user_pos,
            items[EXPLAINED_WITH_TERMS:],
            negatives=user_neg,
            profile=user_profile,
            n_terms=0,
        )
    rows = []
    for rank, (item, reason_list) in enumerate(zip(items, reasons, strict=True), start=1):
        main = reason_list[0] if reason_list else None
        kind = REASON_KINDS.get(main.kind, Recommendation.Reason.POPULAR) if main else "popular"
        related = int(paper_ids[main.related_item]) if main and main.related_item is not None else None
        rows.append(
            Recommendation(
                user_id=user_id,
                paper_id=int(paper_ids[item]),
                version_id=version_id,
                rank=rank,
                score=float(top.scores[row][rank - 1]),
                reason=kind,
                reason_paper_id=related,
                reason_terms=list(main.terms) if main else [],
            )
        )
    return rows


def write_rows(model_class: type[Recommendation] | type[SimilarPaper], rows: Sequence[Model]) -> None:
    """Insert many rows: COPY on PostgreSQL (millions a night), bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model_class.objects.bulk_create(rows, batch_size=2000)  # type: ignore[arg-type]
        return
    meta = model_class._meta
    fields = [f for f in meta.concrete_fields if f.column and f.column != "id"]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for obj in rows:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])


def replace_user_recommendations(user_id: int, version_id: int, rows: list[Recommendation]) -> None:
    """Swap one user's rows for a version in one transaction: readers see the old list or the new."""
    with transaction.atomic():
        Recommendation.objects.filter(user_id=user_id, version_id=version_id).delete()
        write_rows(Recommendation, rows)
