"""Train/test splits for offline evaluation, and validation splits carved from training data only.

Two regimes, each with a test split and a validation split drawn from that test split's training side:

- **published** (P=1, P=10): the CVAE splits shipped with CiteULike-a and -t keep P saves per user for
  training and hide the rest. Most hidden papers have other readers, so co-saves dominate.
  Validation for P=10 holds out some of each user's ten training saves (``per_user_holdout``); for P=1 a
  user has one save and nothing to carve, so its validation keeps one save of each user's P=10 training
  saves and hides the other nine (``one_save_per_user``; the P=10 training lists are P=1 users' papers
  too, a caveat written in ``docs/recommender-evaluation.md``). Each carving copies how its split was
  made (``validation.CARVINGS``): CiteULike-a's P=10 training saves are each user's ten earliest (lowest
  ids), its P=1 save a random one; CiteULike-t's P=10 saves are random, its P=1 save the earliest.
- **new papers** (the daily feed's case): a random fraction of the papers is held out *entirely*, so no
  training history contains them; every user's saves of them are the targets (``new_papers_split``).
  Validation repeats the carving on the training side with another seed: it holds out papers among
  those the test split kept, so no test paper and no test save takes part in choosing a setting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

NEW_PAPERS_FRACTION = 0.1
# Test and validation draws never share a seed: validation seeds start here.
VALIDATION_SEED_OFFSET = 1000


@dataclass(frozen=True)
class Split:
    train: list[list[int]]  # per user, item ids the model may see
    test: list[list[int]]  # per user, item ids to find
    # Papers held out entirely (the new-papers regime); None when every paper may appear in training.
    new_items: np.ndarray | None = None

    @property
    def candidates(self) -> np.ndarray | None:
        """The items ranked "among new papers alone", or None when the split has no such set."""
        return self.new_items


def new_papers_split(
    users: Sequence[Sequence[int]],
    n_items: int,
    *,
    fraction: float = NEW_PAPERS_FRACTION,
    seed: int = 0,
    eligible: np.ndarray | None = None,
) -> Split:
    """Hold out ``fraction`` of the ``eligible`` papers (default: all) entirely.

    Training keeps every save of a kept paper; the targets are each user's saves of held-out papers.
    """
    rng = np.random.default_rng(seed)
    pool = np.arange(n_items) if eligible is None else np.asarray(eligible, dtype=np.int64)
    n_new = round(fraction * len(pool))
    new_items = np.sort(rng.choice(pool, size=n_new, replace=False)) if n_new else np.zeros(0, np.int64)
    is_new = np.zeros(n_items, dtype=bool)
    is_new[new_items] = True
    train, test = [], []
    for items in users:
        unique = sorted(set(items))
        train.append([i for i in unique if not is_new[i]])
        test.append([i for i in unique if is_new[i]])
    return Split(train=train, test=test, new_items=new_items)


def new_papers_validation(train: Sequence[Sequence[int]], n_items: int, *, seed: int = 0) -> Split:
    """The new-papers carving repeated on a training side: papers held out among those it kept.

    Papers the test split held out have no training saves, and neither do papers nobody saved; both
    are left in the candidate pool (as they would be on the site) but never become validation targets.
    """
    saved = np.zeros(n_items, dtype=bool)
    for items in train:
        saved[list(items)] = True
    return new_papers_split(
        train, n_items, seed=seed + VALIDATION_SEED_OFFSET, eligible=np.flatnonzero(saved)
    )


def per_user_holdout(
    train: Sequence[Sequence[int]], holdout: int = 3, *, latest: bool = False, gap: int = 0, seed: int = 0
) -> Split:
    """Per user with more than ``holdout`` saves, ``holdout`` saves leave the fit: random ones, or with
    ``latest`` the highest ids (ids grow with time), of which those at least ``gap`` ids past the user's
    last fitted save are targets (see ``tuning`` for why a gap)."""
    rng = np.random.default_rng(seed + VALIDATION_SEED_OFFSET)
    fit: list[list[int]] = []
    targets: list[list[int]] = []
    for items in train:
        unique = sorted(set(items))
        if len(unique) <= holdout:
            fit.append(unique)
            targets.append([])
            continue
        if latest:
            hidden = unique[-holdout:]
        else:
            hidden = sorted(rng.choice(unique, size=holdout, replace=False).tolist())
        kept = [i for i in unique if i not in set(hidden)]
        fit.append(kept)
        targets.append([i for i in hidden if i - kept[-1] >= gap] if latest else hidden)
    return Split(train=fit, test=targets)


def one_save_per_user(train: Sequence[Sequence[int]], *, first: bool = False, seed: int = 0) -> Split:
    """Per user, one save is the fit (a random one, or with ``first`` the lowest id) and the others are
    targets: P=1 in miniature."""
    rng = np.random.default_rng(seed + VALIDATION_SEED_OFFSET)
    fit, targets = [], []
    for items in train:
        unique = sorted(set(items))
        kept = 0 if first or not unique else int(rng.integers(len(unique)))
        fit.append(unique[kept : kept + 1])
        targets.append(unique[:kept] + unique[kept + 1 :])
    return Split(train=fit, test=targets)
