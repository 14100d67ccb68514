"""The words two papers really share, as a reader would find them in both.

A reason such as "close to X — shares spiking, neuromorphic" must be checkable: every word it names occurs
in the recommended paper's title or abstract and in X's, spelled as the recommended paper spells it. So
the words are read off the two texts themselves, never off model features (whose tokens are lowercased,
may be character n-grams, and mix in terms from the reader's other papers). Numbers ("00" from "00.18%"),
stop words and two-letter fragments are not words a reader recognises as a topic; they are left out.
Two adjacent words that are adjacent in both papers ("compositional generalization") count as one phrase.

Which shared words come first is the caller's `weight` (the model's idf: rare words say more than common
ones) times a sublinear count of the word's uses in the recommended paper (its topic recurs, a passing
word appears once); a word the caller weighs 0 is not named.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# A word starts and ends with a letter, with letters, digits, hyphens and apostrophes inside; one with a
# digit ("GPT-4o", "3D") is then left out as a number, "state-of-the-art" and "fine-tuning" stay.
_WORD = re.compile(r"[^\W\d_](?:[\w'\u2019-]*[^\W\d_])?")
MIN_LETTERS = 3


@dataclass(frozen=True)
class Terms:
    """A text's topical words and two-word phrases: case-folded key -> (first spelling, uses)."""

    spelled: dict[str, tuple[str, int]]

    @classmethod
    @functools.lru_cache(maxsize=20_000)
    def of(cls, text: str) -> Terms:
        # Cached: a night explains the same popular papers for thousands of readers.
        matches = list(_WORD.finditer(text))
        forms = [match.group() for match in matches]
        keys = [form.casefold() for form in forms]
        topical = [_topical(key) for key in keys]
        spelled: dict[str, tuple[str, int]] = {}

        def add(key: str, form: str) -> None:
            first, uses = spelled.get(key, (form, 0))
            spelled[key] = (first, uses + 1)

        for i, key in enumerate(keys):
            if not topical[i]:
                continue
            add(key, forms[i])
            # Two words make a phrase when nothing but spaces stands between them ("deep learning",
            # not "deep, learning").
            if (
                i + 1 < len(keys)
                and topical[i + 1]
                and not text[matches[i].end() : matches[i + 1].start()].strip()
            ):
                add(f"{key} {keys[i + 1]}", f"{forms[i]} {forms[i + 1]}")
        return cls(spelled)


def _topical(key: str) -> bool:
    return len(key) >= MIN_LETTERS and key not in ENGLISH_STOP_WORDS and not any(c.isdigit() for c in key)


def shared_words(
    text: str, other: str | Iterable[str], *, weight: Callable[[str], float], n: int = 4
) -> tuple[str, ...]:
    """Up to `n` words or two-word phrases of `text` that also occur in `other` (a text, or a reader's
    own topic terms), heaviest first, as `text` spells them. A word inside a chosen phrase is not
    repeated on its own."""
    mine = Terms.of(text).spelled
    if isinstance(other, str):
        theirs: set[str] | dict[str, tuple[str, int]] = Terms.of(other).spelled
    else:
        theirs = {key for term in other for key in Terms.of(term).spelled}
    shared = [key for key in mine if key in theirs]
    # A paper's topic recurs, a passing word appears once: the weight grows with the uses, sublinearly.
    weighted = sorted(
        ((weight(key) * (1.0 + math.log(mine[key][1])), key) for key in shared),
        key=lambda pair: (-pair[0], -pair[1].count(" "), pair[1]),
    )
    chosen: list[str] = []
    for value, key in weighted:
        if value <= 0:
            break
        if any(key in c.split() or c in key.split() for c in chosen):
            continue
        chosen.append(key)
        if len(chosen) == n:
            break
    return tuple(mine[key][0] for key in chosen)


def idf_weight(vocabulary: dict[str, int], idf: Sequence[float]) -> Callable[[str], float]:
    """`weight` for `shared_words` from a fitted words vectorizer: a term's idf, 0 for a term the model
    dropped (in too many papers to tell them apart, or in too few to have been learned)."""

    def weight(term: str) -> float:
        column = vocabulary.get(term)
        return float(idf[column]) if column is not None else 0.0

    return weight
