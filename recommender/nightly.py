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
import functools
import logging
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from papers.bulk_insert import copy_rows
from recommender import artifact_store
from recommender.dataset import Signals, load_catalogue, load_signals
from recommender.models import ModelVersion, Recommendation, SimilarPaper
from recommender.recommendation_rows import (
    UserBlock,
    block_rows,
    interest_profiles,
    rank_block,
    write_recommendations,
)
from recommender.scoring import similar_items
from recommender.topics import Topic, derive_topics, topic_profile
from recommender.train import RecommenderModel, fit_recommender

logger = logging.getLogger(__name__)

LOCK_ID = 0x7061_7065_7273  # "papers"
CACHE_LOCK = "recommender:training-lock"
CACHE_LOCK_SECONDS = 6 * 3600
SIMILAR_PER_PAPER = 10
# A similar-papers list is refreshed at least this often (a share of the catalogue each night).
SIMILAR_REFRESH_DAYS = 7
SIMILAR_PAPERS_PER_BATCH = 4096
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
        _vacuum_churned_tables(version)
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
    artifact_store.save_artifact(version, model, catalogue.paper_ids)
    version.save(update_fields=["artifact", "artifact_bytes"])
    lap("store")

    n_rows = _precompute_rankings(model, signals, catalogue.paper_ids, version)
    lap("recommend")

    n_similar = refresh_similar_papers(model, catalogue.paper_ids, version)
    lap("similar")

    topics = derive_topics(model)
    version.topics = _topics_with_papers(model, topics, catalogue.paper_ids)
    lap("topics")

    version.n_papers = len(catalogue.paper_ids)
    version.n_users = len(signals.user_ids)
    version.n_interactions = int(interactions.positives.nnz + interactions.negatives.nnz)
    version.metrics = {"recommendations": n_rows, "similar_lists_refreshed": n_similar}
    version.timings = timings
    version.trained_at = timezone.now()
    # The switch: one transaction, so readers see either the old version or the new one.
    with transaction.atomic():
        ModelVersion.objects.filter(is_current=True).update(is_current=False)
        version.status = ModelVersion.Status.READY
        version.is_current = True
        version.save()
    _drop_superseded_similar_lists(version)
    logger.info("model v%s is current: %s", version.pk, timings)


def _precompute_rankings(
    model: RecommenderModel, signals: Signals, paper_ids: np.ndarray, version: ModelVersion
) -> int:
    """Every active user's top papers with reasons, written block by block; returns the row count.

    Three stages overlap so both cores stay busy: scoring the next block (sparse products, which
    release the GIL) on one thread, explaining this block (Python-bound) here, and COPYing the previous
    block (mostly waiting on PostgreSQL) on another thread with its own connection. The writer thread is
    only used outside a transaction: inside one (tests), another connection could not see this run's
    version row, so the rows are written here.
    """
    interactions = signals.interactions
    profiles = interest_profiles(model, signals.interests)
    blocks = [
        UserBlock(
            signals.user_ids[start : start + USERS_PER_BATCH],
            interactions.positives[start : start + USERS_PER_BATCH],
            interactions.negatives[start : start + USERS_PER_BATCH],
            profiles[start : start + USERS_PER_BATCH] if profiles is not None else None,
        )
        for start in range(0, len(signals.user_ids), USERS_PER_BATCH)
    ]
    if not blocks:
        return 0
    separate_writer = connection.vendor == "postgresql" and not connection.in_atomic_block
    # One scoring thread: scoring a block and explaining one take about the same CPU time, so two busy
    # threads (plus the mostly waiting writer) fill two cores without fighting over them.
    rank = functools.partial(rank_block, model, n_threads=1)
    n_rows = 0
    with ThreadPoolExecutor(max_workers=1) as ahead, ThreadPoolExecutor(max_workers=1) as writer:
        pending = ahead.submit(rank, blocks[0])
        written: Future[int] | None = None
        for following in [*blocks[1:], None]:
            ranked = pending.result()
            if following is not None:
                pending = ahead.submit(rank, following)
            rows = list(block_rows(model, ranked, paper_ids=paper_ids, version_id=version.pk))
            if written is not None:
                n_rows += written.result()  # at most one block waits to be written: bounded memory
                written = None
            if separate_writer:
                written = writer.submit(_write_on_own_connection, rows)
            else:
                n_rows += write_recommendations(rows)
        if written is not None:
            n_rows += written.result()
    return n_rows


def _write_on_own_connection(rows: list[tuple[Any, ...]]) -> int:
    try:
        return write_recommendations(rows)
    finally:
        connection.close()  # this thread's connection; Django never closes it for a non-request thread


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


def _discard(version: ModelVersion, *, keep_similar_lists: bool = False) -> None:
    _delete_version_rows(Recommendation, version)
    if not keep_similar_lists:
        _delete_version_rows(SimilarPaper, version)
    artifact_store.delete_artifact(version)


def _delete_version_rows(model: type[Recommendation] | type[SimilarPaper], version: ModelVersion) -> None:
    # One raw DELETE: the ORM's delete() would first load millions of primary keys to send signals.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE version_id = %s", [version.pk])


def _abandon_unfinished_runs() -> None:
    """Runs that died before their switch: mark them failed and free their rows and artifacts."""
    for version in ModelVersion.objects.filter(status=ModelVersion.Status.TRAINING):
        _discard(version)
        version.status = ModelVersion.Status.FAILED
        version.error = version.error or "interrupted before it finished"
        version.save(update_fields=["status", "error"])


def _retire_old_versions() -> None:
    """Keep the current version and the one before it (for a quick rollback); drop the rest's rankings.

    Their similar-papers lists stay: each paper keeps the list of the run that last refreshed it."""
    ready = list(
        ModelVersion.objects.filter(status=ModelVersion.Status.READY, is_current=False).order_by("-pk")
    )
    for version in ready[KEEP_PREVIOUS_VERSIONS:]:
        _discard(version, keep_similar_lists=True)
        version.status = ModelVersion.Status.RETIRED
        version.save(update_fields=["status"])


def refresh_similar_papers(model: RecommenderModel, paper_ids: np.ndarray, version: ModelVersion) -> int:
    """Write fresh similar-papers lists, under `version`, for the papers that need them tonight.

    All-pairs similarity over the catalogue is the costliest step a run could add (75k papers: 87 s),
    and a paper's neighbours hardly move from one night to the next. So a run refreshes every paper
    without a list (new papers: their page is complete the morning after they arrive) and then the
    oldest lists, a `SIMILAR_REFRESH_DAYS`-th of the catalogue a night: no list is older than that.
    Returns the number of papers refreshed.
    """
    computed_by = dict(
        SimilarPaper.objects.filter(rank=1, version__status__in=ModelVersion.SERVED).values_list(
            "paper_id", "version_id"
        )
    )
    age = np.array([computed_by.get(int(paper_id), -1) for paper_id in paper_ids])
    missing = np.flatnonzero(age < 0)
    budget = max(len(missing), -(-len(paper_ids) // SIMILAR_REFRESH_DAYS))
    # Missing first (age -1), then the lists computed by the oldest runs.
    chosen = np.argsort(age, kind="stable")[:budget]
    for start in range(0, len(chosen), SIMILAR_PAPERS_PER_BATCH):
        items = chosen[start : start + SIMILAR_PAPERS_PER_BATCH]
        similar = similar_items(model, items, n=SIMILAR_PER_PAPER)
        rows = (
            (int(paper_ids[item]), int(paper_ids[neighbour]), version.pk, rank, float(score))
            for item, neighbours, scores in zip(items, similar.items, similar.scores, strict=True)
            for rank, (neighbour, score) in enumerate(zip(neighbours, scores, strict=True), start=1)
            if neighbour >= 0
        )
        copy_rows(SimilarPaper, ("paper_id", "similar_id", "version_id", "rank", "score"), rows)
    return len(chosen)


def _drop_superseded_similar_lists(version: ModelVersion) -> None:
    """After the switch: the lists this run refreshed replace older runs' lists of the same papers."""
    table = SimilarPaper._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE version_id < %s"
            f" AND paper_id IN (SELECT paper_id FROM {table} WHERE version_id = %s)",
            [version.pk, version.pk],
        )


def _vacuum_churned_tables(version: ModelVersion) -> None:
    """VACUUM ANALYZE the tables a run rewrites (millions of rows in, the retired version's out).

    After the switch, so readers already have the new version. Without it the dead rows of retired
    versions slow every index read of the feed and every re-rank (measured: a re-rank 119 ms -> 75 ms
    on the 10,000-reader benchmark), and where autovacuum is off or behind nothing else would do it.
    Only on PostgreSQL and outside a transaction (VACUUM cannot run inside one; tests run inside one).
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for model in (Recommendation, SimilarPaper):
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
    timings = {**version.timings, "vacuum": round(time.perf_counter() - started, 3)}
    ModelVersion.objects.filter(pk=version.pk).update(timings=timings)
