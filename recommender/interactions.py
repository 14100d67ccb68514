"""Turn users' actions into the weighted matrices the recommender learns and scores from.

An event is ``(user_index, item_index, kind, age_days)``. Positive kinds add up (a paper that was upvoted,
saved and read is a stronger signal than one that was only upvoted); each is discounted by age with a
half-life, down to a floor, so last week's saves steer the feed more than last year's without old
interests vanishing. Negative kinds win over positives for the same paper: a paper the user abandoned or
dismissed is out of the positives, lands in ``negatives``, and is never recommended again.

The weights and the half-life are product choices, not fitted: CiteULike-a has no timestamps, statuses
or dismissals to validate them on. Offline evaluation feeds every save as ``("save", age 0)``, so there
all positives weigh 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

POSITIVE_WEIGHTS: dict[str, float] = {
    "upvote": 1.0,
    "save": 1.0,
    # Reading it and finishing it are evidence on top of the save that put it on the list.
    "status_reading": 0.5,
    "status_read": 1.5,
}
NEGATIVE_WEIGHTS: dict[str, float] = {
    "status_abandoned": 0.5,
    "dismiss": 1.0,
}
KINDS = frozenset(POSITIVE_WEIGHTS) | frozenset(NEGATIVE_WEIGHTS)

HALF_LIFE_DAYS = 120.0
DECAY_FLOOR = 0.25

Event = tuple[int, int, str, float]


@dataclass(frozen=True)
class Interactions:
    positives: sp.csr_matrix  # users x items, > 0 where the user showed interest, time-decayed
    negatives: sp.csr_matrix  # users x items, > 0 where the user abandoned or dismissed the paper

    @property
    def known(self) -> sp.csr_matrix:
        """Every item a user has acted on; none of them is recommended back."""
        return ((self.positives + self.negatives) > 0).astype(np.float32).tocsr()


def time_decay(age_days: np.ndarray | float, half_life_days: float = HALF_LIFE_DAYS) -> np.ndarray:
    """1 for today, halving the part above ``DECAY_FLOOR`` every ``half_life_days``."""
    age = np.maximum(np.asarray(age_days, dtype=np.float64), 0.0)
    return DECAY_FLOOR + (1.0 - DECAY_FLOOR) * np.power(0.5, age / half_life_days)


def build_interactions(
    events: Iterable[Event],
    n_users: int,
    n_items: int,
    *,
    half_life_days: float = HALF_LIFE_DAYS,
) -> Interactions:
    """Weighted positives and negatives (both users x items CSR, float32) from a list of events."""
    kinds: list[str] = []
    ages: list[float] = []
    users: list[int] = []
    items: list[int] = []
    for user, item, kind, age in events:
        if kind not in KINDS:
            raise ValueError(f"unknown signal kind {kind!r}; expected one of {sorted(KINDS)}")
        if not (0 <= user < n_users and 0 <= item < n_items):
            raise ValueError(f"event ({user}, {item}) is outside a {n_users} x {n_items} matrix")
        users.append(user)
        items.append(item)
        kinds.append(kind)
        ages.append(age)
    rows = np.asarray(users, dtype=np.int64)
    cols = np.asarray(items, dtype=np.int64)
    kind_array = np.asarray(kinds, dtype=object)
    decay = time_decay(np.asarray(ages, dtype=np.float64), half_life_days)

    def matrix(weights: dict[str, float]) -> sp.csr_matrix:
        base = np.array([weights.get(k, 0.0) for k in kind_array], dtype=np.float64)
        mask = base > 0
        m = sp.csr_matrix(
            ((base * decay)[mask], (rows[mask], cols[mask])), shape=(n_users, n_items), dtype=np.float64
        )
        m.sum_duplicates()
        return m.astype(np.float32)

    positives = matrix(POSITIVE_WEIGHTS)
    negatives = matrix(NEGATIVE_WEIGHTS)
    # Negatives win: zero every positive entry that also has a negative one.
    overlap = positives.multiply(negatives > 0)
    positives = (positives - overlap).tocsr()
    positives.eliminate_zeros()
    return Interactions(positives=positives, negatives=negatives)


def saves_matrix(item_lists: Sequence[Iterable[int]], n_items: int) -> Interactions:
    """Interactions where every listed item is a fresh save; what offline evaluation and seeds use."""
    events = [(u, i, "save", 0.0) for u, items in enumerate(item_lists) for i in items]
    return build_interactions(events, len(item_lists), n_items)
