from __future__ import annotations

import datetime

from django.urls import path, register_converter

from papers.views import catalogue, search


class DayConverter:
    """`2024-01-10`. An impossible date (2024-02-30) does not match, so it is a 404."""

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)

    def to_url(self, value: datetime.date) -> str:
        return value.isoformat()


class IsoWeekConverter:
    """`2024-W02`, the ISO week; the value is that week's Monday."""

    regex = r"[0-9]{4}-W[0-9]{2}"

    def to_python(self, value: str) -> datetime.date:
        year, week = value.split("-W")
        return datetime.date.fromisocalendar(int(year), int(week), 1)

    def to_url(self, value: datetime.date) -> str:
        year, week, _ = value.isocalendar()
        return f"{year:04d}-W{week:02d}"


class MonthConverter:
    """`2024-01`; the value is the first of the month."""

    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str) -> datetime.date:
        year, month = value.split("-")
        return datetime.date(int(year), int(month), 1)

    def to_url(self, value: datetime.date) -> str:
        return f"{value.year:04d}-{value.month:02d}"


register_converter(DayConverter, "day")
register_converter(IsoWeekConverter, "isoweek")
register_converter(MonthConverter, "month")

app_name = "papers"

urlpatterns = [
    path("", catalogue.daily, name="daily"),
    path("day/<day:day>/", catalogue.day, name="day"),
    path("week/<isoweek:day>/", catalogue.week, name="week"),
    path("month/<month:day>/", catalogue.month, name="month"),
    path("trending/", catalogue.trending, name="trending"),
    path("search/", search.search, name="search"),
    path("papers/<int:pk>/", catalogue.paper_detail, name="detail"),
    path("abs/<path:arxiv_id>/", catalogue.paper_detail_arxiv, name="detail_arxiv"),
]
