"""Celery entry points: thin wrappers that take ids and call the plain modules. All are safe to run twice."""

from __future__ import annotations

from celery import shared_task

from recommender import outbox


@shared_task(ignore_result=True)
def train_recommender() -> int:
    """The nightly run (beat, 03:00 UTC by default). A second run while one is going exits at once."""
    from recommender.nightly import TrainingAlreadyRunning, train_and_publish

    try:
        return train_and_publish().pk
    except TrainingAlreadyRunning:
        return 0


@shared_task(acks_late=True, ignore_result=True)
def rerank_user(user_id: int) -> None:
    """Re-rank one user with the current model (no refit), then clear their outbox row."""
    from recommender import rerank

    rerank.rerank_user(user_id)


@shared_task(ignore_result=True)
def drain_rerank_outbox() -> int:
    """Enqueue every re-rank still waiting in the outbox (the broker was down, or a worker died)."""
    return outbox.drain()
