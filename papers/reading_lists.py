"""Operations on reading lists that touch several rows; views call these, never the ORM directly."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from papers.models import Paper, ReadingList, ReadingListItem
from papers.signals import notify_user_signals_changed


def default_reading_list(user: User) -> ReadingList:
    """The user's "Read later" list, created on first use."""
    try:
        return ReadingList.objects.get(owner=user, is_default=True)
    except ReadingList.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            return ReadingList.objects.create(owner=user, name=ReadingList.DEFAULT_NAME, is_default=True)
    except IntegrityError:
        # A concurrent request created it first, or the user already named a list "Read later":
        # promote that one rather than fail.
        existing = ReadingList.objects.filter(owner=user, name__iexact=ReadingList.DEFAULT_NAME).first()
        if existing is None:
            return ReadingList.objects.get(owner=user, is_default=True)
        ReadingList.objects.filter(pk=existing.pk).update(is_default=True)
        existing.is_default = True
        return existing


def reading_list_add(*, reading_list: ReadingList, paper: Paper) -> ReadingListItem:
    """Put the paper on the list (last position); idempotent."""
    with transaction.atomic():
        item, created = ReadingListItem.objects.get_or_create(
            reading_list=reading_list,
            paper=paper,
            defaults={"position": _next_position(reading_list)},
        )
        if created:
            notify_user_signals_changed(reading_list.owner_id)
    return item


def reading_list_remove(*, reading_list: ReadingList, paper: Paper) -> bool:
    with transaction.atomic():
        deleted, _ = ReadingListItem.objects.filter(reading_list=reading_list, paper=paper).delete()
        if deleted:
            notify_user_signals_changed(reading_list.owner_id)
    return bool(deleted)


def reading_list_remove_items(*, reading_list: ReadingList, item_ids: Iterable[int]) -> int:
    """Remove several items at once; ids outside this list are ignored, never touched."""
    with transaction.atomic():
        deleted, _ = ReadingListItem.objects.filter(reading_list=reading_list, pk__in=list(item_ids)).delete()
        if deleted:
            notify_user_signals_changed(reading_list.owner_id)
    return deleted


def reading_list_reorder(*, reading_list: ReadingList, item_ids: list[int]) -> None:
    """Give the listed items positions 0..n-1 in that order; items not listed keep their order after them."""
    with transaction.atomic():
        items = {i.pk: i for i in reading_list.items.select_for_update()}
        ordered = [items.pop(pk) for pk in item_ids if pk in items]
        ordered += sorted(items.values(), key=lambda i: (i.position, i.pk))
        for position, item in enumerate(ordered):
            item.position = position
        ReadingListItem.objects.bulk_update(ordered, ["position"])


def reading_list_item_set_status(*, item: ReadingListItem, status: str) -> None:
    if item.status == status:
        return
    item.status = status
    item.status_changed_at = timezone.now()
    with transaction.atomic():
        item.save(update_fields=["status", "status_changed_at"])
        notify_user_signals_changed(item.reading_list.owner_id)


def reading_list_share(*, reading_list: ReadingList) -> str:
    """Make the list readable by anyone with the link; returns the (unguessable) token."""
    if not reading_list.share_token:
        reading_list.share_token = secrets.token_urlsafe(32)
        reading_list.save(update_fields=["share_token", "updated_at"])
    return reading_list.share_token


def reading_list_unshare(*, reading_list: ReadingList) -> None:
    """Revoke the link: the old token stops working for good."""
    reading_list.share_token = None
    reading_list.save(update_fields=["share_token", "updated_at"])


def _next_position(reading_list: ReadingList) -> int:
    last = reading_list.items.aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1
