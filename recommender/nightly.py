"""The nightly run: fit, store the artifact, precompute every active user's ranking, then switch.

Order matters for readers. Everything for the new version (artifact, Recommendation and SimilarPaper
rows, topics) is written while the previous version keeps serving; the switch is one transaction that
moves `is_current`. A run that fails or is killed before the switch leaves a TRAINING/FAILED version
nobody reads, and the next run cleans it up. Two runs never overlap: on PostgreSQL a session advisory
lock (released by the server if the process dies), elsewhere a lock in the shared cache.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from recommender import store
from recommender.dataset import load_catalogue, load_signals
from recommender.models import ModelVersion, Recommendation, SimilarPaper
from recommender.rank import recommend, similar_items
from recommender.ranking import TOP_K, interest_profiles, recommendation_rows, write_rows
from recommender.topics import Topic, derive_topics, topic_profile
from recommender.train import RecommenderModel, fit_recommender

logger = logging.getLogger(__name__)

LOCK_ID = 0x7061_7065_7273  # "papers"
CACHE_LOCK = "recommender:training-lock"
CACHE_LOCK_SECONDS = 6 * 3600
SIMILAR_PER_PAPER = 10
USERS_PER_BATCH = 512
KEEP_PREVIOUS_VERSIONS = 1


class TrainingAlreadyRunning(RuntimeError):
    pass


@contextlib.contextmanager
def training_lock() -> Iterator[None]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_ID])
            if not cursor.fetchone()[0]:
                raise TrainingAlreadyRunning("another training run holds the lock")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])
        return
    if not cache.add(CACHE_LOCK, "held", CACHE_LOCK_SECONDS):
        raise TrainingAlreadyRunning("another training run holds the lock")
    try:
        yield
    finally:
        cache.delete(CACHE_LOCK)


def train_and_publish(*, today: datetime.date | None = None) -> ModelVersion:
    """One full training run; returns the new current version (raises if it failed)."""
    with training_lock():
        _abandon_unfinished_runs()
        version = ModelVersion.objects.create()
        try:
            _train(version, today=today or timezone.localdate())
        except BaseException as error:
            ModelVersion.objects.filter(pk=version.pk).update(
                status=ModelVersion.Status.FAILED, error=repr(error)[:5000]
            )
            _discard(version)
            raise
        _retire_old_versions()
        return version


def _train(version: ModelVersion, *, today: datetime.date) -> None:
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        timings[name] = round(now - started, 3)
        started = now

    catalogue = load_catalogue(today=today)
    signals = load_signals(catalogue)
    lap("load")
    if not len(catalogue.paper_ids):
        raise RuntimeError("the catalogue is empty: import papers before training")
    interactions = signals.interactions
    model = fit_recommender(catalogue.texts, interactions.positives, item_age_days=catalogue.age_days)
    lap("fit")
    store.save_artifact(version, model, catalogue.paper_ids)
    version.save(update_fields=["artifact", "artifact_bytes"])
    lap("store")

    profiles = interest_profiles(model, signals.interests)
    n_rows = 0
    for start in range(0, len(signals.user_ids), USERS_PER_BATCH):
        stop = min(start + USERS_PER_BATCH, len(signals.user_ids))
        positives = interactions.positives[start:stop]
        negatives = interactions.negatives[start:stop]
        block_profiles = profiles[start:stop] if profiles is not None else None
        top = recommend(model, positives, negatives, k=TOP_K, profiles=block_profiles)
        rows = []
        for row in range(stop - start):
            rows += recommendation_rows(
                model=model,
                paper_ids=catalogue.paper_ids,
                version_id=version.pk,
                user_id=int(signals.user_ids[start + row]),
                positives=positives,
                negatives=negatives,
                profile=block_profiles,
                top=top,
                row=row,
            )
        write_rows(Recommendation, rows)
        n_rows += len(rows)
    lap("recommend")

    similar = similar_items(model, np.arange(len(catalogue.paper_ids)), n=SIMILAR_PER_PAPER)
    write_rows(
        SimilarPaper,
        [
            SimilarPaper(
                paper_id=int(catalogue.paper_ids[item]),
                similar_id=int(catalogue.paper_ids[neighbour]),
                version_id=version.pk,
                rank=rank,
                score=float(score),
            )
            for item in range(len(catalogue.paper_ids))
            for rank, (neighbour, score) in enumerate(
                zip(similar.items[item], similar.scores[item], strict=True), start=1
            )
            if neighbour >= 0
        ],
    )
    lap("similar")

    topics = derive_topics(model)
    version.topics = _topics_with_papers(model, topics, catalogue.paper_ids)
    lap("topics")

    version.n_papers = len(catalogue.paper_ids)
    version.n_users = len(signals.user_ids)
    version.n_interactions = int(interactions.positives.nnz + interactions.negatives.nnz)
    version.metrics = {"recommendations": n_rows}
    version.timings = timings
    version.trained_at = timezone.now()
    # The switch: one transaction, so readers see either the old version or the new one.
    with transaction.atomic():
        ModelVersion.objects.filter(is_current=True).update(is_current=False)
        version.status = ModelVersion.Status.READY
        version.is_current = True
        version.save()
    logger.info("model v%s is current: %s", version.pk, timings)


def _topics_with_papers(
    model: RecommenderModel, topics: list[Topic], paper_ids: np.ndarray
) -> list[dict[str, Any]]:
    """Each topic with a few of its most typical papers, for the onboarding sample."""
    result = []
    for topic in topics:
        scores = (model.item_features @ topic_profile(model, topic.terms).T).toarray().ravel()
        best = np.argsort(-scores, kind="stable")[:8]
        result.append(
            {
                "label": topic.label,
                "terms": list(topic.terms),
                "paper_ids": [int(paper_ids[i]) for i in best if scores[i] > 0],
            }
        )
    return result


def _discard(version: ModelVersion) -> None:
    Recommendation.objects.filter(version=version).delete()
    SimilarPaper.objects.filter(version=version).delete()
    store.delete_artifact(version)


def _abandon_unfinished_runs() -> None:
    """Runs that died before their switch: mark them failed and free their rows and artifacts."""
    for version in ModelVersion.objects.filter(status=ModelVersion.Status.TRAINING):
        _discard(version)
        version.status = ModelVersion.Status.FAILED
        version.error = version.error or "interrupted before it finished"
        version.save(update_fields=["status", "error"])


def _retire_old_versions() -> None:
    """Keep the current version and the one before it (for a quick rollback); drop the rest's rows."""
    ready = list(
        ModelVersion.objects.filter(status=ModelVersion.Status.READY, is_current=False).order_by("-pk")
    )
    for version in ready[KEEP_PREVIOUS_VERSIONS:]:
        _discard(version)
        version.status = ModelVersion.Status.RETIRED
        version.save(update_fields=["status"])
