"""The words two papers really share, as a reader would find them in both.

A reason such as "close to X — shares spiking, neuromorphic" must be checkable: every word it names occurs
in the recommended paper's title or abstract and in X's, spelled as the recommended paper spells it. So
the words are read off the two texts themselves, never off model features (whose tokens are lowercased,
may be character n-grams, and mix in terms from the reader's other papers). Numbers ("00" from "00.18%"),
stop words and two-letter fragments are not words a reader recognises as a topic; they are left out.
Two adjacent words that are adjacent in both papers ("compositional generalization") count as one phrase.

Which shared words come first is the caller's choice through `weight` (the model's idf: rare words say
more than common ones); a word it weighs 0 is not named.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# A word starts and ends with a letter, with letters, digits, hyphens and apostrophes inside; one with a
# digit ("GPT-4o", "3D") is then left out as a number, "state-of-the-art" and "fine-tuning" stay.
_WORD = re.compile(r"[^\W\d_](?:[\w'\u2019-]*[^\W\d_])?")
MIN_LETTERS = 3


@dataclass(frozen=True)
class Words:
    """One text's words in order (as written) and their case-folded keys."""

    forms: tuple[str, ...]
    keys: tuple[str, ...]
    # adjacent[i]: word i and word i + 1 are separated by spaces only ("deep learning", not "deep, learning")
    adjacent: tuple[bool, ...]

    @classmethod
    def of(cls, text: str) -> Words:
        matches = list(_WORD.finditer(text))
        forms = tuple(match.group() for match in matches)
        adjacent = tuple(not text[a.end() : b.start()].strip() for a, b in itertools.pairwise(matches))
        return cls(forms, tuple(form.casefold() for form in forms), adjacent)

    def phrase(self, i: int) -> str | None:
        """Words i and i + 1 as a phrase key, if they stand next to each other and are both topical."""
        if (
            i + 1 < len(self.keys)
            and self.adjacent[i]
            and _topical(self.keys[i])
            and _topical(self.keys[i + 1])
        ):
            return f"{self.keys[i]} {self.keys[i + 1]}"
        return None

    def phrases(self) -> set[str]:
        return {phrase for i in range(len(self.keys) - 1) if (phrase := self.phrase(i))}


def _topical(key: str) -> bool:
    return len(key) >= MIN_LETTERS and key not in ENGLISH_STOP_WORDS and not any(c.isdigit() for c in key)


def shared_words(
    text: str, other: str | Iterable[str], *, weight: Callable[[str], float], n: int = 4
) -> tuple[str, ...]:
    """Up to `n` words or two-word phrases of `text` that also occur in `other` (a text, or a reader's
    own topic terms), heaviest first, as `text` spells them. A word inside a chosen phrase is not
    repeated on its own."""
    mine = Words.of(text)
    if isinstance(other, str):
        theirs = Words.of(other)
        their_words, their_phrases = set(theirs.keys), theirs.phrases()
    else:
        terms = [Words.of(term) for term in other]
        their_words = {key for term in terms for key in term.keys}
        their_phrases = {phrase for term in terms for phrase in term.phrases()}
    spelled: dict[str, str] = {}
    for i, key in enumerate(mine.keys):
        if _topical(key) and key in their_words:
            spelled.setdefault(key, mine.forms[i])
        phrase = mine.phrase(i)
        if phrase is not None and phrase in their_phrases:
            spelled.setdefault(phrase, f"{mine.forms[i]} {mine.forms[i + 1]}")
    weighted = sorted(
        ((weight(key), key) for key in spelled), key=lambda pair: (-pair[0], -pair[1].count(" "), pair[1])
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
    return tuple(spelled[key] for key in chosen)


def idf_weight(vocabulary: dict[str, int], idf: Sequence[float]) -> Callable[[str], float]:
    """`weight` for `shared_words` from a fitted words vectorizer: a term's idf, 0 for a term the model
    dropped (in too many papers to tell them apart, or in too few to have been learned)."""

    def weight(term: str) -> float:
        column = vocabulary.get(term)
        return float(idf[column]) if column is not None else 0.0

    return weight
