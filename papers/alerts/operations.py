"""The writes of alerts: follow or unfollow an author, save or delete a search."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from papers.catalogue.filters import PaperFilters
from papers.models import Alert, author_key

# A reader's alerts are matched against every import; a bound keeps one reader from making that costly.
MAX_ALERTS_PER_READER = 100


class TooManyAlerts(Exception):
    pass


def _check_room(user: Any) -> None:
    if Alert.objects.filter(user=user).count() >= MAX_ALERTS_PER_READER:
        raise TooManyAlerts(f"You have {MAX_ALERTS_PER_READER} alerts, the most a reader can have.")


def author_follow(*, user: Any, name: str) -> Alert:
    """Follow the author `name` (any spelling); following twice is following once."""
    key = author_key(name)
    existing = Alert.objects.filter(user=user, kind=Alert.Kind.AUTHOR, author_key=key).first()
    if existing is not None:
        return existing
    _check_room(user)
    try:
        with transaction.atomic():
            return Alert.objects.create(
                user=user,
                kind=Alert.Kind.AUTHOR,
                name=name[: Alert.NAME_MAX_LENGTH],
                author_key=key,
                author_name=name,
            )
    except IntegrityError:
        # Two clicks at once: the other one created it.
        return Alert.objects.get(user=user, kind=Alert.Kind.AUTHOR, author_key=key)


def author_unfollow(*, user: Any, name: str) -> None:
    Alert.objects.filter(user=user, kind=Alert.Kind.AUTHOR, author_key=author_key(name)).delete()


def follows_author(user: Any, name: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Alert.objects.filter(user=user, kind=Alert.Kind.AUTHOR, author_key=author_key(name)).exists()


def search_save(*, user: Any, name: str, query: str, filters: PaperFilters) -> Alert:
    """Save a search (its words and its category and author filters; a date range is for looking back,
    an alert looks at what is new) as an alert named `name`."""
    _check_room(user)
    return Alert.objects.create(
        user=user,
        kind=Alert.Kind.SEARCH,
        name=name,
        query=query,
        author_key=filters.author_key,
        author_name=filters.author,
        categories_included=list(filters.included),
        categories_excluded=list(filters.excluded),
    )
