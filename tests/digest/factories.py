"""Recommendations and digest subscriptions written directly: the digest and feeds only read these rows."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils import timezone

from papers.models import DigestSubscription, Paper
from recommender.models import ModelVersion, Recommendation
from tests.feed.corpus import model_version
from tests.feed.corpus import recommend as store_ranking


def current_model_version() -> ModelVersion:
    return model_version(trained_at=timezone.make_aware(datetime.datetime(2024, 1, 11, 3, 0), datetime.UTC))


def recommend(
    user,
    papers: Sequence[Paper],
    *,
    version: ModelVersion,
    reason: str = Recommendation.Reason.TERMS,
    terms: Sequence[str] = ("spiking networks", "plasticity"),
) -> list[Recommendation]:
    """`papers` recommended to `user` in this order (rank 1 first), with a terms reason by default."""
    return store_ranking(user, papers, version, reason=reason, terms=terms)


def subscribe(user, **fields) -> DigestSubscription:
    values = {"enabled": True, "frequency": "daily", "hour": 8, "time_zone": "Europe/Berlin", "size": 5}
    values |= fields
    subscription, _ = DigestSubscription.objects.update_or_create(user=user, defaults=values)
    return subscription
