"""Keeping one user's stored recommendations fresh between nights, with the current model (no refit)."""

from __future__ import annotations

import numpy as np
from django.db import transaction

from recommender import store
from recommender.dataset import Catalogue, load_signals
from recommender.models import ModelVersion, RerankRequest
from recommender.rank import recommend
from recommender.ranking import TOP_K, interest_profiles, recommendation_rows, replace_user_recommendations


def rerank_user(user_id: int) -> None:
    """Score every paper for the user from their current signals and replace their stored ranking."""
    requested = RerankRequest.objects.filter(user_id=user_id).values_list("requested_at", flat=True).first()
    version = ModelVersion.objects.current()
    if version is not None:
        serving = store.serving_model(version)
        catalogue = Catalogue(serving.paper_ids, [], np.zeros(0))
        signals = load_signals(catalogue, user_ids=[user_id])
        profiles = interest_profiles(serving.model, signals.interests)
        positives, negatives = signals.interactions.positives, signals.interactions.negatives
        top = recommend(serving.model, positives, negatives, k=TOP_K, profiles=profiles, n_threads=1)
        rows = recommendation_rows(
            model=serving.model,
            paper_ids=serving.paper_ids,
            version_id=version.pk,
            user_id=user_id,
            positives=positives,
            negatives=negatives,
            profile=profiles,
            top=top,
            row=0,
        )
        replace_user_recommendations(user_id, version.pk, rows)
    if requested is not None:
        # Clear only the request we served: one that arrived meanwhile must run again.
        with transaction.atomic():
            RerankRequest.objects.filter(user_id=user_id, requested_at__lte=requested).delete()
