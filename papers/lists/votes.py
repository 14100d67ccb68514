"""Upvotes and "not interested": small writes that must be exact under concurrency."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F

from papers.models import Dismissal, Paper, Upvote
from papers.signals import notify_user_signals_changed


def paper_upvote(*, user: User, paper: Paper) -> bool:
    """Upvote; idempotent. Returns whether a new upvote was recorded.

    The unique constraint decides races: of twenty simultaneous requests exactly one insert wins, and only
    the winner bumps the denormalized count, in the same transaction.
    """
    try:
        with transaction.atomic():
            Upvote.objects.create(user=user, paper=paper)
            Paper.objects.filter(pk=paper.pk).update(upvote_count=F("upvote_count") + 1)
            notify_user_signals_changed(user.pk)
    except IntegrityError:
        return False
    return True


def paper_unvote(*, user: User, paper: Paper) -> bool:
    """Remove the upvote; idempotent. Returns whether one was removed."""
    with transaction.atomic():
        deleted, _ = Upvote.objects.filter(user=user, paper=paper).delete()
        if deleted:
            Paper.objects.filter(pk=paper.pk).update(upvote_count=F("upvote_count") - 1)
            notify_user_signals_changed(user.pk)
    return bool(deleted)


def paper_dismiss(*, user: User, paper: Paper) -> None:
    with transaction.atomic():
        _, created = Dismissal.objects.get_or_create(user=user, paper=paper)
        if created:
            notify_user_signals_changed(user.pk)


def paper_undismiss(*, user: User, paper: Paper) -> None:
    with transaction.atomic():
        deleted, _ = Dismissal.objects.filter(user=user, paper=paper).delete()
        if deleted:
            notify_user_signals_changed(user.pk)
