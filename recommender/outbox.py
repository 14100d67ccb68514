"""The re-rank outbox: a user's new signal must reach the recommender even if the broker is down.

The row is written inside the transaction that recorded the upvote or save; after commit we try to
enqueue the task. If the broker is unreachable the row stays, and `drain_rerank_outbox` (beat, every
minute) enqueues it once the broker is back. The re-rank task deletes the row when it has finished.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from recommender.models import RerankRequest

logger = logging.getLogger(__name__)


def request_rerank(user_id: int) -> None:
    # One import can save a thousand papers in one transaction: record and enqueue the user once.
    # The pending callbacks live on the connection, and Django drops them on rollback.
    if any(getattr(entry[1], "rerank_user_id", None) == user_id for entry in connection.run_on_commit):
        return
    # An upsert, not get-or-create: two actions of one user in flight at once must not collide.
    RerankRequest.objects.bulk_create(
        [RerankRequest(user_id=user_id, requested_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["requested_at"],
    )
    callback = partial(enqueue_rerank, user_id)
    callback.rerank_user_id = user_id  # type: ignore[attr-defined]
    transaction.on_commit(callback)


def enqueue_rerank(user_id: int) -> bool:
    from recommender.tasks import rerank_user

    try:
        rerank_user.apply_async((user_id,), retry=False)
    except Exception:  # any broker failure: the outbox row keeps the request
        logger.warning("broker unavailable; re-rank of user %s waits in the outbox", user_id, exc_info=True)
        return False
    return True


def drain(limit: int = 10_000) -> int:
    """Enqueue the waiting re-ranks; returns how many were handed to the broker."""
    user_ids = list(RerankRequest.objects.order_by("requested_at").values_list("user_id", flat=True)[:limit])
    return sum(enqueue_rerank(user_id) for user_id in user_ids)


def on_user_signals_changed(sender: Any, user_id: int, **kwargs: Any) -> None:
    request_rerank(user_id)
