"""Recommendations and digest subscriptions written directly: the digest and feeds only read these rows."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils import timezone

from papers.models import DigestSubscription, Paper
from recommender.models import ModelVersion, Recommendation


def current_model_version() -> ModelVersion:
    return ModelVersion.objects.create(
        status=ModelVersion.Status.READY,
        is_current=True,
        trained_at=timezone.make_aware(datetime.datetime(2024, 1, 11, 3, 0), datetime.UTC),
    )


def recommend(
    user,
    papers: Sequence[Paper],
    *,
    version: ModelVersion,
    reason: str = Recommendation.Reason.TERMS,
    terms: Sequence[str] = ("spiking networks", "plasticity"),
) -> list[Recommendation]:
    """`papers` recommended to `user` in this order (rank 1 first)."""
    return Recommendation.objects.bulk_create(
        Recommendation(
            user=user,
            paper=paper,
            version=version,
            rank=rank,
            score=1.0 / rank,
            reason=reason,
            reason_terms=list(terms),
        )
        for rank, paper in enumerate(papers, start=1)
    )


def subscribe(user, **fields) -> DigestSubscription:
    values = {"enabled": True, "frequency": "daily", "hour": 8, "time_zone": "Europe/Berlin", "size": 5}
    values |= fields
    subscription, _ = DigestSubscription.objects.update_or_create(user=user, defaults=values)
    return subscription
