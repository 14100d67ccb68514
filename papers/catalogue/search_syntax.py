"""The web-style query syntax, read the way PostgreSQL's websearch_to_tsquery reads it.

    spiking neural networks        every word
    "grid cells"                   the words in that order
    diffusion -image               without papers that mention "image"
    hippocampus OR grid cells      "hippocampus", or both "grid" and "cells"

AND binds tighter than OR, as in tsquery: `a b OR c` is (a and b) or c. OR is an operator only between
two terms; at either end, or right after another OR, it is the word "or". A quote left open runs to the
end of the query. On PostgreSQL the database parses the text itself
(papers.catalogue.search); this reading serves
SQLite, which has no query parser, and tells PostgreSQL's side where the exclusions are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<dash>-)|(?P<word>[^\s"]+)')


@dataclass(frozen=True, slots=True)
class Term:
    """A word, or a phrase of words in order (a quoted phrase, or a hyphenated word: "zero-shot")."""

    text: str
    negated: bool = False

    @property
    def words(self) -> list[str]:
        return [word.lower() for word in _WORD.findall(self.text)]


# The query as OR of groups, each group the AND of its terms.
Query = list[list[Term]]


def parse(query: str) -> Query:
    """The groups of `query`; terms without a word ("!!!") are left out, as are empty groups."""
    groups: list[list[Term]] = [[]]
    negate = False
    # Set right after a term: an OR there is the operator.
    after_term = False
    tokens = list(_TOKEN.finditer(query))
    for index, token in enumerate(tokens):
        if token["dash"] is not None:
            negate = True
            continue
        text = token["phrase"] if token["phrase"] is not None else token["word"]
        if token["word"] is not None and text.upper() == "OR" and after_term and index + 1 < len(tokens):
            groups.append([])
            after_term = False
            negate = False
            continue
        term = Term(text, negated=negate)
        negate = False
        if term.words:
            groups[-1].append(term)
            after_term = True
    return [group for group in groups if group]


def has_negation(query: Query) -> bool:
    return any(term.negated for group in query for term in group)


def positive_words(query: Query) -> list[str]:
    """The words a matching paper may contain, for highlighting: excluded words are not shown."""
    words = [word for group in query for term in group if not term.negated for word in term.words]
    return list(dict.fromkeys(words))
