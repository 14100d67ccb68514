"""Keeping one user's stored recommendations fresh between nights, with the current model (no refit)."""

from __future__ import annotations

import numpy as np
from django.db import transaction

from recommender import artifact_store
from recommender.dataset import Catalogue, load_signals
from recommender.models import ModelVersion, RerankRequest
from recommender.recommendation_rows import (
    UserBlock,
    explained_rows,
    interest_profiles,
    replace_user_recommendations,
)


def rerank_user(user_id: int) -> None:
    """Score every paper for the user from their current signals and replace their stored ranking."""
    requested = RerankRequest.objects.filter(user_id=user_id).values_list("requested_at", flat=True).first()
    version = ModelVersion.objects.current()
    if version is not None:
        serving = artifact_store.serving_model(version)
        catalogue = Catalogue(serving.paper_ids, [], np.zeros(0))
        signals = load_signals(catalogue, user_ids=[user_id])
        profiles = interest_profiles(serving.model, signals.interests)
        users = UserBlock([user_id], signals.interactions.positives, signals.interactions.negatives, profiles)
        rows = explained_rows(serving.model, users, paper_ids=serving.paper_ids, version_id=version.pk)
        replace_user_recommendations(user_id, version.pk, rows)
    if requested is not None:
        # Clear only the request we served: one that arrived meanwhile must run again.
        with transaction.atomic():
            RerankRequest.objects.filter(user_id=user_id, requested_at__lte=requested).delete()
