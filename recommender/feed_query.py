"""The read side of the personalized feed: stored Recommendation rows in the order a reader wants them.

A feed page is one query over the user's rows for the current model version: papers listed on or after
the "since" day (the previous visit, or the last few days) first, best rank first, then the older ones
worth catching up on, by rank. Papers the user dismissed or already keeps on a list are left out here,
even though the re-rank drops them too: the read must be right in the seconds before the re-rank has run.
Nothing here fits, loads or scores a model (ARCHITECTURE: serving is a read).
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection, models
from django.utils import timezone

from papers.model_rows import ModelColumns, planned_once_cursor
from papers.models import Dismissal, Paper, Profile, ReadingList, ReadingListItem, Upvote
from recommender.models import FeedImpression, ModelVersion, Recommendation, SimilarPaper

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
# The first visit (or one after the previous visit was forgotten) calls the last few days "new".
NEW_DAYS_WITHOUT_VISIT = 3
# A refresh, or coming back after lunch, must not empty "new since your last visit": the previous visit
# only moves when the last one is at least this old.
VISIT_GAP = datetime.timedelta(hours=1)
SIMILAR_PAPERS_SHOWN = 10
# How long the shared cache remembers that a page's impressions are stored (see `record_impressions`).
IMPRESSIONS_MEMO_SECONDS = 24 * 3600
# Ids a client may send back as "already on my page"; the stored ranking is 200 deep.
MAX_EXCLUDED = 500


class FeedStatus(enum.Enum):
    """Why a feed has no cards, read only when the first page came back empty."""

    ONBOARDING = "onboarding"  # no signal at all: ask for topics, papers or upvotes
    PERSONALIZING = "personalizing"  # signals and a model, but the re-rank has not written rows yet
    WARMING_UP = "warming_up"  # signals, but no model has been trained yet
    EXHAUSTED = "exhausted"  # rows exist, and the user has dismissed or saved every one


@dataclass(frozen=True)
class FeedEntry:
    recommendation: Recommendation
    is_new: bool

    @property
    def paper(self) -> Paper:
        return self.recommendation.paper

    @property
    def reason_paper(self) -> Paper | None:
        return self.recommendation.reason_paper

    @property
    def reason_parts(self) -> tuple[str, str, str]:
        """The reason as (before, related paper's title, after), so the page can link the title.

        The words come from Recommendation.reason_text (shared with the digest and RSS); only the
        related paper's title is cut out of them. Without a related paper the whole text is `before`.
        """
        text = self.recommendation.reason_text
        related = self.reason_paper
        if related is None or not related.title or related.title not in text:
            return text, "", ""
        before, _, after = text.partition(related.title)
        return before, related.title, after


@dataclass(frozen=True)
class FeedPage:
    entries: list[FeedEntry]
    offset: int
    limit: int
    has_more: bool
    since: datetime.date

    @property
    def papers(self) -> list[Paper]:
        return [entry.paper for entry in self.entries]

    @property
    def next_offset(self) -> int:
        return self.offset + len(self.entries)


def feed_since(profile: Profile, *, now: datetime.datetime | None = None) -> datetime.date:
    """The first listing day that counts as new for this visit (no query; see `mark_feed_visit`)."""
    now = now or timezone.now()
    last, previous = profile.feed_visited_at, profile.feed_previous_visit_at
    # Within the hour the visit that is running started at `last`, so "new" still counts from the one
    # before it; after the hour, `last` becomes the previous visit.
    reference = previous if last is not None and now - last < VISIT_GAP else last
    if reference is None:
        return timezone.localdate(now) - datetime.timedelta(days=NEW_DAYS_WITHOUT_VISIT)
    return timezone.localdate(reference)


def mark_feed_visit(profile: Profile, *, now: datetime.datetime | None = None) -> datetime.date:
    """Record a feed visit at most once an hour; returns this visit's `since` day.

    The UPDATE is conditional on the visit time just read, so two tabs opening the feed at once move it
    once. Costs no query in the hour after a visit.
    """
    now = now or timezone.now()
    since = feed_since(profile, now=now)
    last = profile.feed_visited_at
    if last is None or now - last >= VISIT_GAP:
        Profile.objects.filter(pk=profile.pk, feed_visited_at=last).update(
            feed_previous_visit_at=last, feed_visited_at=now
        )
        profile.feed_previous_visit_at, profile.feed_visited_at = last, now
    return since


# A feed visit's profile read and its visit mark as one statement (papers.model_rows): the row as it
# was while the last visit is less than VISIT_GAP old, else as the UPDATE marked it. No row: no profile
# yet. The UPDATE's condition is re-checked on the locked row, so two tabs opening the feed at once move
# the visit once (the other tab reads the row as it was, and computes the same `since`).
_VISIT_SQL = """
WITH visit AS (
    UPDATE {profile} SET feed_previous_visit_at = feed_visited_at, feed_visited_at = %(now)s
    WHERE user_id = %(user)s AND (feed_visited_at IS NULL OR feed_visited_at <= %(due)s)
    RETURNING *
)
SELECT {columns} FROM visit p
UNION ALL
SELECT {columns} FROM {profile} p WHERE p.user_id = %(user)s AND NOT EXISTS (SELECT 1 FROM visit)
"""
_PROFILE = ModelColumns(Profile, "p")


def visit_feed(user: User, *, now: datetime.datetime | None = None) -> tuple[Profile, datetime.date]:
    """The reader's profile and this visit's `since` day, the visit recorded (`mark_feed_visit`).

    One query on PostgreSQL where the ORM took two (and ~0.4 ms of CPU to build them); elsewhere, or
    for a reader without a profile yet, `Profile.for_user` and `mark_feed_visit`.
    """
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Profile._meta.db_table)
        sql = _VISIT_SQL.format(profile=table, columns=_PROFILE.select(connection))
        profiles = _PROFILE.fetch(connection, sql, {"now": now, "user": user.pk, "due": now - VISIT_GAP})
        if profiles:
            return profiles[0], feed_since(profiles[0], now=now)
    profile = Profile.for_user(user)
    return profile, mark_feed_visit(profile, now=now)


# The feed's page query, written out (papers.model_rows: the ORM spent longer building and compiling it
# than PostgreSQL spent running it). It orders the user's rows on their own columns and the paper's
# listing day, and only then reads the page's papers: ordered over full paper rows, PostgreSQL read all
# 200 papers of a ranking to return 21. Papers the user dismissed or keeps on a list are left out by
# NOT EXISTS on the (user, paper) / (list, paper) indexes.
_PAGE_SQL = """
WITH page AS (
    SELECT r.id, CASE WHEN p.listed_on >= %(since)s THEN 1 ELSE 0 END AS is_new
    FROM {recommendation} r
    JOIN {version} v ON v.id = r.version_id
    JOIN {paper} p ON p.id = r.paper_id
    WHERE r.user_id = %(user)s AND v.is_current = %(current)s
      {not_dismissed}
      AND NOT EXISTS (
          SELECT 1 FROM {item} i JOIN {reading_list} l ON l.id = i.reading_list_id
          WHERE l.owner_id = %(user)s AND i.paper_id = r.paper_id
      )
      {condition}
    ORDER BY is_new DESC, r.rank, r.id
    LIMIT %(limit)s OFFSET %(offset)s
)
SELECT page.is_new, {columns}
FROM page
JOIN {recommendation} r ON r.id = page.id
JOIN {paper} p ON p.id = r.paper_id
LEFT JOIN {paper} rp ON rp.id = r.reason_paper_id
ORDER BY page.is_new DESC, r.rank, r.id
"""
# Papers the reader dismissed, left out (`column` is the paper's id in the query).
_NOT_DISMISSED = (
    "AND NOT EXISTS (SELECT 1 FROM {dismissal} d WHERE d.user_id = %(user)s AND d.paper_id = {column})"
)
_RECOMMENDATION = ModelColumns(Recommendation, "r")
# Cards never show the search vector; the reason only needs the related paper's title and address (and
# its edit time, which tells a feed page prepared ahead that the title changed: papers.feed_pages).
_PAPER = ModelColumns(Paper, "p", defer={"search_vector"})
_REASON_PAPER = ModelColumns(Paper, "rp", fields={"id", "arxiv_id", "title", "updated_at"})


def _tables() -> dict[str, str]:
    """The tables the written-out queries name, quoted for the database in use."""
    models_by_name: dict[str, type[models.Model]] = {
        "recommendation": Recommendation,
        "version": ModelVersion,
        "paper": Paper,
        "dismissal": Dismissal,
        "item": ReadingListItem,
        "reading_list": ReadingList,
        "similar": SimilarPaper,
    }
    quote = connection.ops.quote_name
    return {name: quote(model._meta.db_table) for name, model in models_by_name.items()}


def _feed_entries(
    user: User,
    *,
    since: datetime.date,
    offset: int = 0,
    limit: int,
    exclude_paper_ids: Collection[int] = (),
    paper_id: int | None = None,
) -> list[FeedEntry]:
    """The user's feed in order, new since `since` first, each part by rank: `limit` entries from
    `offset`, without `exclude_paper_ids`; only `paper_id`'s entry, if given."""
    params: dict[str, Any] = {
        "since": since,
        "user": user.pk,
        "current": True,
        "limit": limit,
        "offset": offset,
    }
    conditions = []
    excluded = list(exclude_paper_ids)[:MAX_EXCLUDED]
    if excluded:
        # One parameter per id (SQLite has no arrays); at most MAX_EXCLUDED of them.
        names = [f"x{index}" for index in range(len(excluded))]
        params |= dict(zip(names, excluded, strict=True))
        conditions.append(f"AND r.paper_id NOT IN ({', '.join(f'%({name})s' for name in names)})")
    if paper_id is not None:
        params["paper"] = paper_id
        conditions.append("AND r.paper_id = %(paper)s")
    tables = _tables()
    sql = _PAGE_SQL.format(
        not_dismissed=_NOT_DISMISSED.format(column="r.paper_id", **tables),
        condition=" ".join(conditions),
        columns=", ".join(part.select(connection) for part in (_RECOMMENDATION, _PAPER, _REASON_PAPER)),
        **tables,
    )
    load_recommendation = _RECOMMENDATION.loader(connection)
    load_paper = _PAPER.loader(connection)
    load_reason_paper = _REASON_PAPER.loader(connection)
    paper_start = 1 + len(_RECOMMENDATION)
    reason_start = paper_start + len(_PAPER)
    with planned_once_cursor(connection) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    entries = []
    for row in rows:
        recommendation = load_recommendation(row[1:paper_start])
        recommendation.paper = load_paper(row[paper_start:reason_start])
        reason = row[reason_start:]
        recommendation.reason_paper = load_reason_paper(reason) if reason[0] is not None else None
        entries.append(FeedEntry(recommendation=recommendation, is_new=bool(row[0])))
    return entries


def feed_entry(user: User, paper: Paper, *, since: datetime.date) -> FeedEntry | None:
    """`paper`'s place in the user's feed; None when the feed does not hold it (saved, dismissed, or
    not recommended by the current model). One query."""
    entries = _feed_entries(user, since=since, limit=1, paper_id=paper.pk)
    return entries[0] if entries else None


def feed_page(
    user: User,
    *,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    since: datetime.date | None = None,
    exclude_paper_ids: Collection[int] = (),
) -> FeedPage:
    """One page of the user's feed: one query (two when `since` is not given: the profile).

    `exclude_paper_ids` are the papers already on the reader's page; they are left out before `offset`
    applies, so "load more" and "not interested" never repeat a card even after the re-rank reordered
    the feed underneath the page.
    """
    if since is None:
        since = feed_since(Profile.for_user(user))
    offset, limit = max(offset, 0), max(limit, 1)
    # One row more than the page tells whether there is a next page without a COUNT.
    entries = _feed_entries(
        user, since=since, offset=offset, limit=limit + 1, exclude_paper_ids=exclude_paper_ids
    )
    return FeedPage(
        entries=entries[:limit], offset=offset, limit=limit, has_more=len(entries) > limit, since=since
    )


def record_impressions(user: User, papers: Sequence[Paper]) -> None:
    """Remember what the user was shown (the digest skips it): one INSERT, repeats ignored.

    A refresh shows the same page again, and its INSERT (~1.3 ms on PostgreSQL) would add nothing. So
    the shared cache remembers which pages are stored, by user and paper ids: that a page's impressions
    are stored never stops being true (rows are only ever added), so an entry cannot go stale. Without
    the cache every page is written, as before.
    """
    if not papers:
        return
    ids = ",".join(str(pk) for pk in sorted(paper.pk for paper in papers))
    key = f"impressions:{user.pk}:{hashlib.blake2b(ids.encode(), digest_size=12).hexdigest()}"
    try:
        if cache.get(key):
            return
    except Exception:
        logger.warning("cache unavailable; recording feed impressions without it")
    _insert_impressions(user, [paper.pk for paper in papers])
    try:
        cache.set(key, True, IMPRESSIONS_MEMO_SECONDS)
    except Exception:
        logger.warning("cache unavailable; feed impressions recorded but not remembered")


def _insert_impressions(user: User, paper_ids: list[int]) -> None:
    if connection.vendor != "postgresql":
        FeedImpression.objects.bulk_create(
            [FeedImpression(user=user, paper_id=pk) for pk in paper_ids], ignore_conflicts=True
        )
        return
    # One statement on its own: bulk_create builds a model instance per paper and wraps its INSERT in
    # a transaction (BEGIN, INSERT, COMMIT), 3.1 ms for a feed page against 1.3 ms for this.
    table = connection.ops.quote_name(FeedImpression._meta.db_table)
    with planned_once_cursor(connection) as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, paper_id, seen_at) SELECT %s, unnest(%s::bigint[]), %s "
            "ON CONFLICT DO NOTHING",
            [user.pk, paper_ids, timezone.now()],
        )


def feed_status(user: User, profile: Profile) -> FeedStatus:
    """Why the first page is empty. At most three small queries, and only on an empty feed."""
    version = ModelVersion.objects.current()
    if version is not None and Recommendation.objects.filter(user=user, version=version).exists():
        return FeedStatus.EXHAUSTED
    if not (profile.onboarded_at or profile.interests or has_signals(user)):
        return FeedStatus.ONBOARDING
    return FeedStatus.PERSONALIZING if version is not None else FeedStatus.WARMING_UP


def has_signals(user: User) -> bool:
    """Whether the user has upvoted, saved or dismissed anything (one query)."""
    upvoted = models.Exists(Upvote.objects.filter(user=models.OuterRef("pk")))
    saved = models.Exists(ReadingListItem.objects.filter(reading_list__owner=models.OuterRef("pk")))
    dismissed = models.Exists(Dismissal.objects.filter(user=models.OuterRef("pk")))
    return User.objects.filter(models.Q(upvoted) | models.Q(saved) | models.Q(dismissed), pk=user.pk).exists()


def trending_papers(user: Any, *, limit: int = PAGE_SIZE) -> list[Paper]:
    """What a visitor without a personal feed sees instead (two queries: the newest day, the papers)."""
    return list(Paper.objects.visible_to(user).trending()[:limit])


# A paper's similar papers, written out as the feed's page query is (papers.model_rows): the ORM took
# ~4 ms to build and compile what PostgreSQL answers in ~0.3 ms, on every render of a paper page.
_SIMILAR_SQL = """
SELECT {columns}
FROM {similar} s
JOIN {paper} p ON p.id = s.similar_id
WHERE s.paper_id = %(paper)s
  AND s.version_id = (
      SELECT newest.version_id FROM {similar} newest JOIN {version} v ON v.id = newest.version_id
      WHERE newest.paper_id = %(paper)s AND v.status IN ({served})
      ORDER BY newest.version_id DESC LIMIT 1
  )
  {condition}
ORDER BY s.rank, s.id
LIMIT %(limit)s
"""


def similar_papers(paper: Paper, *, user: Any = None, limit: int = SIMILAR_PAPERS_SHOWN) -> list[Paper]:
    """`paper`'s nearest papers, closest first, without the user's dismissed ones.

    A paper's list is rewritten by whichever nightly run last refreshed it (see `nightly`), so this reads
    the newest list among finished runs, not necessarily the current version's. One query, on the
    (paper, version, rank) index.
    """
    params: dict[str, Any] = {"paper": paper.pk, "limit": limit}
    params |= {f"served{index}": status for index, status in enumerate(ModelVersion.SERVED)}
    tables = _tables()
    condition = ""
    if getattr(user, "is_authenticated", False):
        params["user"] = user.pk
        condition = _NOT_DISMISSED.format(column="s.similar_id", **tables)
    sql = _SIMILAR_SQL.format(
        columns=_PAPER.select(connection),
        served=", ".join(f"%(served{index})s" for index in range(len(ModelVersion.SERVED))),
        condition=condition,
        **tables,
    )
    return _PAPER.fetch(connection, sql, params)
