"""When a digest is due: the user's chosen hour in their own time zone, checked by an hourly beat task.

The hourly run (at minute 0 UTC) picks, for every time zone in use, the subscribers whose local hour has
just begun. Zones with a half-hour offset (Asia/Kolkata) get their digest at half past their hour. When
clocks go forward a local hour never happens (02:00 in Berlin on the last Sunday of March); a digest set
for it goes out with the next run instead of being skipped. When clocks go back an hour happens twice;
both runs compute the same period key, and the Digest claim sends once.
"""

from __future__ import annotations

import datetime
import functools
import logging
import operator
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from papers.models import DigestSubscription

logger = logging.getLogger(__name__)

ONE_HOUR = datetime.timedelta(hours=1)


@functools.cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA names a user may choose, sorted for a select; the form validates against these."""
    return tuple(sorted(zoneinfo.available_timezones()))


def period_key(frequency: str, local_day: datetime.date) -> str:
    """What "the same digest" means: one per local day, or one per ISO week."""
    if frequency == DigestSubscription.Frequency.WEEKLY:
        year, week, _ = local_day.isocalendar()
        return f"week:{year:04d}-W{week:02d}"
    return f"day:{local_day.isoformat()}"


def current_period_key(subscription: DigestSubscription, now: datetime.datetime) -> str:
    local_day = now.astimezone(zoneinfo.ZoneInfo(subscription.time_zone)).date()
    return period_key(subscription.frequency, local_day)


@dataclass(frozen=True)
class LocalSlot:
    """The local date in one zone at a run, and the local hours that began since the previous run."""

    day: datetime.date
    hours: frozenset[int]


def local_slot(now: datetime.datetime, zone: zoneinfo.ZoneInfo) -> LocalSlot:
    local = now.astimezone(zone)
    previous = (now - ONE_HOUR).astimezone(zone)
    hours = {local.hour}
    # Wall-clock arithmetic (naive): a jump forward leaves whole local hours no run ever sees.
    skipped = previous.replace(tzinfo=None, minute=0, second=0, microsecond=0) + ONE_HOUR
    this_hour = local.replace(tzinfo=None, minute=0, second=0, microsecond=0)
    while skipped < this_hour:
        if skipped.date() == local.date():
            hours.add(skipped.hour)
        skipped += ONE_HOUR
    return LocalSlot(local.date(), frozenset(hours))


@dataclass(frozen=True)
class DueDigest:
    user_id: int
    period_key: str


def due_digests(now: datetime.datetime) -> list[DueDigest]:
    """Every subscriber whose digest is due at the run at `now` (UTC), with its period key.

    Two queries whatever the number of subscribers: the zones in use, then one filter that ORs a
    (zone, hours, weekday) condition per zone.
    """
    subscribers = DigestSubscription.objects.filter(enabled=True, user__is_active=True).exclude(
        user__email=""
    )
    zones: Iterable[str] = subscribers.values_list("time_zone", flat=True).distinct()
    days: dict[str, datetime.date] = {}
    conditions = []
    for name in zones:
        try:
            slot = local_slot(now, zoneinfo.ZoneInfo(name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            # The form only accepts known zones, but a tzdata update can retire a name.
            logger.warning("digest: unknown time zone %r, its subscribers are skipped", name)
            continue
        days[name] = slot.day
        weekly_today = Q(frequency=DigestSubscription.Frequency.WEEKLY, weekday=slot.day.weekday())
        conditions.append(
            Q(time_zone=name, hour__in=sorted(slot.hours))
            & (Q(frequency=DigestSubscription.Frequency.DAILY) | weekly_today)
        )
    if not conditions:
        return []
    rows = (
        subscribers.filter(functools.reduce(operator.or_, conditions))
        .order_by("user_id")
        .values_list("user_id", "time_zone", "frequency")
    )
    return [DueDigest(user_id, period_key(frequency, days[zone])) for user_id, zone, frequency in rows]
