"""The database as the arrays the recommender works on: the catalogue's texts and everyone's signals.

This is the one module that reads Django models for training and re-ranking; everything downstream
(`train`, `rank`, `explain`) takes what it returns. Papers are columns in ascending id order, so a paper
id maps to its column with one `np.searchsorted` and papers imported after training (higher ids) are
recognisable as not yet in the model.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from django.db.models import Q
from django.utils import timezone

from papers.models import Dismissal, Paper, Profile, ReadingListItem, Upvote
from recommender.features import PaperText
from recommender.interactions import Event, Interactions, build_interactions

# Reading statuses that are signals of their own, on top of the save that put the paper on a list.
STATUS_KINDS: dict[str, str] = {
    ReadingListItem.Status.READING.value: "status_reading",
    ReadingListItem.Status.READ.value: "status_read",
    ReadingListItem.Status.ABANDONED.value: "status_abandoned",
}
CHUNK = 5000


@dataclass(frozen=True)
class Catalogue:
    paper_ids: np.ndarray  # int64, ascending
    texts: list[PaperText]
    age_days: np.ndarray  # float64, days since the paper was listed (or published)

    def columns(self, paper_ids: Iterable[int]) -> np.ndarray:
        """Columns of the given paper ids; -1 for papers not in this catalogue."""
        ids = np.fromiter(paper_ids, dtype=np.int64)
        if not len(self.paper_ids):
            return np.full(len(ids), -1, dtype=np.int64)
        pos = np.searchsorted(self.paper_ids, ids)
        pos = np.minimum(pos, len(self.paper_ids) - 1)
        return np.where(self.paper_ids[pos] == ids, pos, -1)


def paper_text(title: str, abstract: str, authors: object) -> PaperText:
    names = tuple(str(a) for a in authors) if isinstance(authors, list) else ()
    return PaperText(title=title, abstract=abstract or "", authors=names)


def load_catalogue(*, today: datetime.date | None = None, after_id: int = 0) -> Catalogue:
    """Every paper (or those with id > after_id), in id order."""
    today = today or timezone.localdate()
    ids: list[int] = []
    texts: list[PaperText] = []
    ages: list[float] = []
    rows = (
        Paper.objects.filter(id__gt=after_id)
        .order_by("id")
        .values_list("id", "title", "abstract", "authors", "listed_on", "published_on")
    )
    for pk, title, abstract, authors, listed_on, published_on in rows.iterator(chunk_size=CHUNK):
        ids.append(pk)
        texts.append(paper_text(title, abstract, authors))
        day = listed_on or published_on
        ages.append((today - day).days if day else 3650.0)
    return Catalogue(np.asarray(ids, dtype=np.int64), texts, np.asarray(ages, dtype=np.float64))


def _age_days(moment: datetime.datetime, now: datetime.datetime) -> float:
    return max((now - moment).total_seconds() / 86400.0, 0.0)


def raw_events(
    *, user_ids: Iterable[int] | None = None, now: datetime.datetime | None = None
) -> Iterator[tuple[int, int, str, float]]:
    """(user id, paper id, kind, age in days) for every signal, or only the given users'."""
    now = now or timezone.now()
    users = Q() if user_ids is None else Q(user_id__in=list(user_ids))
    for user_id, paper_id, created in (
        Upvote.objects.filter(users)
        .values_list("user_id", "paper_id", "created_at")
        .iterator(chunk_size=CHUNK)
    ):
        yield user_id, paper_id, "upvote", _age_days(created, now)
    for user_id, paper_id, created in (
        Dismissal.objects.filter(users)
        .values_list("user_id", "paper_id", "created_at")
        .iterator(chunk_size=CHUNK)
    ):
        yield user_id, paper_id, "dismiss", _age_days(created, now)
    owners = Q() if user_ids is None else Q(reading_list__owner_id__in=list(user_ids))
    # A paper on two lists is one save (the latest), and its most recent status counts once.
    saves: dict[tuple[int, int], tuple[float, str, float]] = {}
    items = ReadingListItem.objects.filter(owners).values_list(
        "reading_list__owner_id", "paper_id", "added_at", "status", "status_changed_at"
    )
    for user_id, paper_id, added, status, changed in items.iterator(chunk_size=CHUNK):
        age, kept_status, status_age = _age_days(added, now), status, _age_days(changed, now)
        previous = saves.get((user_id, paper_id))
        if previous is not None and previous[2] < status_age:
            age, kept_status, status_age = min(age, previous[0]), previous[1], previous[2]
        saves[(user_id, paper_id)] = (age, kept_status, status_age)
    for (user_id, paper_id), (age, status, status_age) in saves.items():
        yield user_id, paper_id, "save", age
        if status in STATUS_KINDS:
            yield user_id, paper_id, STATUS_KINDS[status], status_age


@dataclass(frozen=True)
class Signals:
    user_ids: np.ndarray  # int64: row i of the matrices is user user_ids[i]
    interactions: Interactions
    interests: list[list[str]]  # onboarding topic terms per row


def load_signals(
    catalogue: Catalogue, *, user_ids: Iterable[int] | None = None, now: datetime.datetime | None = None
) -> Signals:
    """Users x papers interaction matrices for every active user (or the given users).

    Active: anyone with an upvote, save, dismissal or onboarding interests. Signals on papers outside
    the catalogue (imported after the model was trained) are left out; the model cannot score them yet.
    """
    events = list(raw_events(user_ids=user_ids, now=now))
    interests_by_user = {
        user_id: [str(term) for term in terms]
        for user_id, terms in Profile.objects.filter(
            **({} if user_ids is None else {"user_id__in": list(user_ids)})
        )
        .exclude(interests=[])
        .values_list("user_id", "interests")
        if isinstance(terms, list) and terms
    }
    if user_ids is None:
        active = np.unique(np.fromiter([e[0] for e in events] + list(interests_by_user), dtype=np.int64))
    else:
        active = np.unique(np.fromiter(user_ids, dtype=np.int64))
    rows = {int(user_id): row for row, user_id in enumerate(active)}
    columns = catalogue.columns(e[1] for e in events)
    mapped: list[Event] = [
        (rows[user_id], int(column), kind, age)
        for (user_id, _paper, kind, age), column in zip(events, columns, strict=True)
        if column >= 0
    ]
    interactions = build_interactions(mapped, len(active), len(catalogue.paper_ids))
    interests = [interests_by_user.get(int(user_id), []) for user_id in active]
    return Signals(active, interactions, interests)


def empty_rows(n_users: int, n_items: int) -> sp.csr_matrix:
    return sp.csr_matrix((n_users, n_items), dtype=np.float32)
