"""What readers see of their alerts' matches: the feed's "From your alerts", the digest, the Atom feed.

A paper several alerts matched is one entry naming every alert. Papers the reader dismissed or already
keeps on a list are left out, as in the rest of the feed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from papers.models import Alert, AlertMatch, DigestItem, Dismissal, Paper, ReadingListItem

# The feed shows what the alerts matched in the last two weeks: news, not an archive (the alert's Atom
# feed and the search itself are the archive).
FEED_DAYS = 14
FEED_PAPERS = 10
# Rows read for a page of entries: a paper matched by several alerts is several rows.
ROWS_PER_ENTRY = 4


@dataclass
class AlertEntry:
    paper: Paper
    alerts: list[Alert] = field(default_factory=list)

    @property
    def paper_id(self) -> int:
        return self.paper.pk

    @property
    def alert_names(self) -> list[str]:
        return [alert.name for alert in self.alerts]

    @property
    def reason_text(self) -> str:
        """The digest's "Why": the alerts, by name."""
        quoted = ", ".join(f"“{name}”" for name in self.alert_names)
        return f"Matches your alert{'s' if len(self.alerts) > 1 else ''} {quoted}"


def _matches(user: Any, since: datetime.datetime) -> QuerySet[AlertMatch]:
    dismissed = Dismissal.objects.filter(user=user, paper=OuterRef("paper"))
    on_a_list = ReadingListItem.objects.filter(reading_list__owner=user, paper=OuterRef("paper"))
    return (
        AlertMatch.objects.filter(alert__user=user, matched_at__gte=since)
        .filter(~Exists(dismissed), ~Exists(on_a_list))
        .select_related("paper", "alert")
        .defer("paper__search_vector")
        .order_by("-matched_at", "-paper__listed_on", "paper_id", "alert__name")
    )


def _grouped(matches: QuerySet[AlertMatch], limit: int) -> list[AlertEntry]:
    entries: dict[int, AlertEntry] = {}
    for match in matches[: limit * ROWS_PER_ENTRY]:
        entry = entries.get(match.paper_id)
        if entry is None:
            if len(entries) >= limit:
                continue
            entry = entries[match.paper_id] = AlertEntry(paper=match.paper)
        entry.alerts.append(match.alert)
    return list(entries.values())


def feed_alert_entries(
    user: Any, *, limit: int = FEED_PAPERS, now: datetime.datetime | None = None
) -> list[AlertEntry]:
    """The newest matches of the reader's alerts, one entry per paper: one query."""
    if not getattr(user, "is_authenticated", False):
        return []
    since = (now or timezone.now()) - datetime.timedelta(days=FEED_DAYS)
    return _grouped(_matches(user, since), limit)


def digest_alert_entries(user: Any, *, limit: int, now: datetime.datetime | None = None) -> list[AlertEntry]:
    """The matches a digest mails: as the feed's, less what an earlier digest sent or may have sent."""
    from papers.models import Digest

    since = (now or timezone.now()) - datetime.timedelta(days=FEED_DAYS)
    mailed = DigestItem.objects.filter(
        digest__user=user,
        digest__status__in=[Digest.Status.SENDING, Digest.Status.SENT],
        paper=OuterRef("paper"),
    )
    return _grouped(_matches(user, since).filter(~Exists(mailed)), limit)


def alert_feed_papers(alert: Alert, *, limit: int = 50) -> list[Paper]:
    """An alert's matches, newest first, for its private Atom feed: one query."""
    matches = (
        AlertMatch.objects.filter(alert=alert)
        .select_related("paper")
        .defer("paper__search_vector")
        .order_by("-matched_at", "-paper_id")[:limit]
    )
    return [match.paper for match in matches]
