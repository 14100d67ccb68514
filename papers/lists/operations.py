"""Operations on reading lists that touch several rows; views call these, never the ORM directly."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import timezone

from papers.models import Paper, ReadingList, ReadingListItem
from papers.signals import notify_user_signals_changed

# How a user's lists are listed (index, save menu): Read later first, then by name whatever its case.
LIST_ORDER = ("-is_default", Lower("name"), "pk")
# The list page's "your order": position first; items sharing a position (none, normally) newest first.
MANUAL_ORDER = ("position", "-added_at", "-pk")


class ListNameTaken(Exception):
    """The owner already has a list of this name (compared case-insensitively)."""


class DefaultListNotDeletable(Exception):
    """The "Read later" list is where quick saves go; it can be renamed but never deleted."""


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
    """Give the listed items positions 0..n-1 in that order; items not listed keep their order after them.

    Ids of other lists' items are ignored. Only rows whose position changes are written.
    """
    with transaction.atomic():
        current = list(
            # reading_list too: the related manager reads it on every row (a query each, were it deferred).
            reading_list.items.select_for_update()
            .only("pk", "position", "reading_list")
            .order_by(*MANUAL_ORDER)
        )
        by_pk = {item.pk: item for item in current}
        ordered = [by_pk.pop(pk) for pk in dict.fromkeys(item_ids) if pk in by_pk]
        ordered += [item for item in current if item.pk in by_pk]
        _renumber(ordered)


def reading_list_move_item(*, reading_list: ReadingList, item_id: int, offset: int) -> bool:
    """Move one item `offset` places in the list's manual order (-1: up one). Returns whether it moved.

    An id that is not on this list, or a move past either end, changes nothing.
    """
    with transaction.atomic():
        current = list(
            # reading_list too: the related manager reads it on every row (a query each, were it deferred).
            reading_list.items.select_for_update()
            .only("pk", "position", "reading_list")
            .order_by(*MANUAL_ORDER)
        )
        index = next((i for i, item in enumerate(current) if item.pk == item_id), None)
        if index is None:
            return False
        target = index + offset
        if offset == 0 or not 0 <= target < len(current):
            return False
        current.insert(target, current.pop(index))
        _renumber(current)
    return True


def _renumber(ordered: list[ReadingListItem]) -> None:
    changed = []
    for position, item in enumerate(ordered):
        if item.position != position:
            item.position = position
            changed.append(item)
    if changed:
        ReadingListItem.objects.bulk_update(changed, ["position"])


def reading_list_item_set_status(*, item: ReadingListItem, status: str) -> None:
    if item.status == status:
        return
    item.status = status
    item.status_changed_at = timezone.now()
    with transaction.atomic():
        item.save(update_fields=["status", "status_changed_at"])
        notify_user_signals_changed(item.reading_list.owner_id)


def reading_list_item_set_note(*, item: ReadingListItem, note: str) -> None:
    if item.note != note:
        item.note = note
        item.save(update_fields=["note"])


def reading_list_create(*, owner: User, name: str, description: str = "") -> ReadingList:
    """A new list; raises ListNameTaken when the owner has one of that name in any letter case.

    Forms check first for a friendly message; the unique constraint still decides a race.
    """
    try:
        with transaction.atomic():
            return ReadingList.objects.create(owner=owner, name=name, description=description)
    except IntegrityError as error:
        raise ListNameTaken(name) from error


def reading_list_create_with_paper(*, owner: User, name: str, paper: Paper) -> ReadingList:
    """Create a list and save `paper` on it, both or neither."""
    with transaction.atomic():
        reading_list = reading_list_create(owner=owner, name=name)
        reading_list_add(reading_list=reading_list, paper=paper)
    return reading_list


def reading_list_update(*, reading_list: ReadingList, name: str, description: str) -> None:
    """Rename (the default list too) and describe; raises ListNameTaken like reading_list_create."""
    previous = reading_list.name, reading_list.description
    reading_list.name, reading_list.description = name, description
    try:
        with transaction.atomic():
            reading_list.save(update_fields=["name", "description", "updated_at"])
    except IntegrityError as error:
        reading_list.name, reading_list.description = previous
        raise ListNameTaken(name) from error


def reading_list_delete(*, reading_list: ReadingList) -> None:
    """Delete the list and its items; raises DefaultListNotDeletable for the "Read later" list."""
    if reading_list.is_default:
        raise DefaultListNotDeletable(reading_list.name)
    with transaction.atomic():
        had_items = reading_list.items.exists()
        reading_list.delete()
        if had_items:
            notify_user_signals_changed(reading_list.owner_id)


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
