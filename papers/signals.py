"""Signals papers/ sends so other apps can react without papers/ knowing about them.

`user_signals_changed` fires (after the transaction commits) whenever a user's upvotes, saves, reading
statuses or dismissals change: the recommender listens to re-rank that user.
"""

from __future__ import annotations

import django.dispatch
from django.db import transaction

user_signals_changed = django.dispatch.Signal()  # sends: user_id


def notify_user_signals_changed(user_id: int) -> None:
    """Send `user_signals_changed` once the surrounding transaction has committed (now, outside one)."""
    transaction.on_commit(lambda: user_signals_changed.send(sender=None, user_id=user_id))
