"""The day, week and month the daily listing pages show, with their URLs and labels."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Literal

from django.urls import reverse
from django.utils.dateformat import format as date_format

PeriodKind = Literal["day", "week", "month"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("day", "week", "month")


def _add_days(day: datetime.date, days: int) -> datetime.date:
    # A URL may name the last week of year 9999; its end must not overflow into a 500.
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.max if days > 0 else datetime.date.min


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: datetime.date
    end: datetime.date

    @classmethod
    def containing(cls, kind: PeriodKind, day: datetime.date) -> Period:
        if kind == "week":
            monday = _add_days(day, -day.weekday())
            return cls(kind, monday, _add_days(monday, 6))
        if kind == "month":
            first = day.replace(day=1)
            days_in_month = calendar.monthrange(first.year, first.month)[1]
            return cls(kind, first, first.replace(day=days_in_month))
        return cls(kind, day, day)

    @property
    def url(self) -> str:
        return reverse(f"papers:{self.kind}", args=[self.start])

    @property
    def title(self) -> str:
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"Week {week}, {year}"
        if self.kind == "month":
            return date_format(self.start, "F Y")
        return date_format(self.start, "l, j F Y")

    @property
    def span(self) -> str:
        """The dates a week covers, like "8 to 14 January 2024"; empty for a day or a month."""
        if self.kind != "week":
            return ""
        if self.start.year != self.end.year:
            first = date_format(self.start, "j F Y")
        elif self.start.month != self.end.month:
            first = date_format(self.start, "j F")
        else:
            first = date_format(self.start, "j")
        return f"{first} \N{EN DASH} {date_format(self.end, 'j F Y')}"
