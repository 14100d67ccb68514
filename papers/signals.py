"""Signals papers/ sends so other apps can react without papers/ knowing about them.

`user_signals_changed` fires whenever a user's upvotes, saves, reading statuses or dismissals change. It
is sent inside the transaction that made the change, so a receiver can record durable follow-up work
atomically with it (the recommender writes its re-rank outbox row) and defer the rest to on_commit.
"""

from __future__ import annotations

import django.dispatch

user_signals_changed = django.dispatch.Signal()  # sends: user_id


def notify_user_signals_changed(user_id: int) -> None:
    user_signals_changed.send(sender=None, user_id=user_id)
