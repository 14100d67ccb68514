"""Citation keys: first author's family name + year + first significant title word, lowercase ASCII.

`lovelace2024analytical`. Keys several papers share get a, b, c… suffixes in paper-id order, so the same
list exports the same keys every time, whatever order its items are in. A paper whose authors are not
known is "unknown" (not "anon": nobody said it was anonymous), one with no date "nd".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from itertools import count, product
from string import ascii_lowercase

from papers.lists.exports.entries import ExportEntry
from papers.lists.exports.names import ascii_slug, split_name

# Words that say nothing about the paper; the key takes the first word after them.
# fmt: off
_STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "do", "does", "for", "from", "how", "in", "into",
    "is", "it", "its", "of", "on", "or", "over", "the", "their", "this", "to", "towards", "toward",
    "under", "via", "what", "when", "where", "which", "who", "why", "with", "without",
})
# fmt: on


def base_key(entry: ExportEntry) -> str:
    author = ""
    if entry.authors:
        family = split_name(entry.authors[0]).family
        # The last word of the family name: "van Beethoven" keys as "beethoven", as Zotero does.
        author = ascii_slug(family.split(" ")[-1]) or ascii_slug(family)
    year = str(entry.year) if entry.year else "nd"
    words = (ascii_slug(word) for word in entry.paper.title.split())
    word = next((slug for slug in words if slug and slug not in _STOPWORDS), "")
    return f"{author or 'unknown'}{year}{word}"


def citation_keys(entries: Sequence[ExportEntry]) -> dict[int, str]:
    """A unique key per paper id of `entries`."""
    by_base: dict[str, list[int]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e.paper.pk):
        key = base_key(entry)
        if entry.paper.pk not in by_base[key]:
            by_base[key].append(entry.paper.pk)
    keys: dict[int, str] = {}
    for base, paper_ids in by_base.items():
        if len(paper_ids) == 1:
            keys[paper_ids[0]] = base
        else:
            for paper_id, suffix in zip(paper_ids, _letter_suffixes(), strict=False):
                keys[paper_id] = base + suffix
    return _deduplicated(keys)


def _letter_suffixes() -> Iterator[str]:
    """a, b, …, z, aa, ab, …: as many as a collision needs."""
    for length in count(1):
        for letters in product(ascii_lowercase, repeat=length):
            yield "".join(letters)


def _deduplicated(keys: dict[int, str]) -> dict[int, str]:
    """A suffixed key can equal another paper's plain one ("smith2024" + "b" vs. a title word "b")."""
    seen: set[str] = set()
    result: dict[int, str] = {}
    for paper_id in sorted(keys):
        key = keys[paper_id]
        if key in seen:
            key = next(f"{key}{n}" for n in count(2) if f"{key}{n}" not in seen)
        seen.add(key)
        result[paper_id] = key
    return result
