"""Who is due at an hourly run: the chosen hour in the user's own time zone."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from papers.digest.schedule import DueDigest, due_digests, local_slot, period_key
from tests.digest.factories import subscribe
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def utc(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def test_0800_in_berlin_is_due_at_0700_utc_in_winter(alice_subscribed):
    # 2024-01-15 is a Monday; Berlin is UTC+1 in winter.
    assert due_digests(utc(2024, 1, 15, 7)) == [DueDigest(alice_subscribed.user_id, "day:2024-01-15")]
    assert due_digests(utc(2024, 1, 15, 8)) == []
    assert due_digests(utc(2024, 1, 15, 6)) == []


def test_0800_in_berlin_is_due_at_0600_utc_in_summer(alice_subscribed):
    assert due_digests(utc(2024, 7, 15, 6)) == [DueDigest(alice_subscribed.user_id, "day:2024-07-15")]
    assert due_digests(utc(2024, 7, 15, 7)) == []


def test_the_period_is_the_users_local_day_not_utcs(alice):
    subscribe(alice, hour=6, time_zone="Pacific/Auckland")

    # 17:00 UTC on the 14th is 06:00 on the 15th in Auckland (UTC+13 in January).
    assert due_digests(utc(2024, 1, 14, 17)) == [DueDigest(alice.pk, "day:2024-01-15")]


def test_a_half_hour_zone_gets_its_digest_at_half_past(alice):
    subscribe(alice, hour=8, time_zone="Asia/Kolkata")

    # 02:30 UTC is 08:00 in Kolkata; the run at 03:00 UTC (08:30 there) is the first to see hour 8.
    assert due_digests(utc(2024, 1, 15, 2)) == []
    assert due_digests(utc(2024, 1, 15, 3)) == [DueDigest(alice.pk, "day:2024-01-15")]


def test_a_weekly_digest_is_due_only_on_its_weekday(alice):
    subscribe(alice, frequency="weekly", weekday=4, hour=18, time_zone="America/New_York")

    # Friday 2024-01-19 18:00 in New York is 23:00 UTC.
    assert due_digests(utc(2024, 1, 19, 23)) == [DueDigest(alice.pk, "week:2024-W03")]
    assert due_digests(utc(2024, 1, 18, 23)) == []
    assert due_digests(utc(2024, 1, 26, 23)) == [DueDigest(alice.pk, "week:2024-W04")]


def test_an_hour_skipped_by_the_clocks_going_forward_is_sent_at_the_next_run(alice):
    subscribe(alice, hour=2)

    # 2024-03-31 in Berlin: 01:59 CET is followed by 03:00 CEST, so no run ever sees 02:xx.
    assert due_digests(utc(2024, 3, 31, 0)) == []
    assert due_digests(utc(2024, 3, 31, 1)) == [DueDigest(alice.pk, "day:2024-03-31")]
    assert due_digests(utc(2024, 3, 31, 2)) == []


def test_an_hour_repeated_by_the_clocks_going_back_has_one_period_key(alice):
    subscribe(alice, hour=2)

    # 2024-10-27 in Berlin: 02:xx happens at 00:00 UTC (CEST) and again at 01:00 UTC (CET).
    first, second = due_digests(utc(2024, 10, 27, 0)), due_digests(utc(2024, 10, 27, 1))

    assert first == second == [DueDigest(alice.pk, "day:2024-10-27")]


def test_only_active_subscribers_with_an_address_are_due(alice_subscribed, bob):
    subscribe(bob, enabled=False)
    subscribe(UserFactory(username="carol", email=""))
    subscribe(UserFactory(username="dave", is_active=False))

    assert due_digests(utc(2024, 1, 15, 7)) == [DueDigest(alice_subscribed.user_id, "day:2024-01-15")]


def test_many_subscribers_in_many_zones_cost_two_queries(django_assert_num_queries):
    # Local hours at 07:00 UTC on 2024-01-15.
    zones = {"Europe/Berlin": 8, "Europe/London": 7, "Asia/Tokyo": 16, "America/Chicago": 1, "UTC": 7}
    expected = []
    for n in range(20):
        zone, hour = list(zones.items())[n % len(zones)]
        user = UserFactory(username=f"reader{n}")
        # Even readers chose this very hour; odd readers the next one.
        subscribe(user, time_zone=zone, hour=hour if n % 2 == 0 else (hour + 1) % 24)
        if n % 2 == 0:
            expected.append(DueDigest(user.pk, "day:2024-01-15"))

    with django_assert_num_queries(2):
        due = due_digests(utc(2024, 1, 15, 7))

    assert due == expected


def test_a_zone_retired_from_tzdata_is_skipped_not_fatal(alice_subscribed, bob, caplog):
    subscribe(bob, time_zone="Atlantis/Capital")

    assert due_digests(utc(2024, 1, 15, 7)) == [DueDigest(alice_subscribed.user_id, "day:2024-01-15")]
    assert "Atlantis/Capital" in caplog.text


def test_period_keys_are_a_local_day_or_an_iso_week():
    assert period_key("daily", datetime.date(2024, 12, 30)) == "day:2024-12-30"
    # The ISO week of 30 December 2024 belongs to 2025.
    assert period_key("weekly", datetime.date(2024, 12, 30)) == "week:2025-W01"


def test_a_normal_hour_is_one_local_hour():
    slot = local_slot(utc(2024, 1, 15, 7), zoneinfo.ZoneInfo("Europe/Berlin"))

    assert (slot.day, slot.hours) == (datetime.date(2024, 1, 15), frozenset({8}))
