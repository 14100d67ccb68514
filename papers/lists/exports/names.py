"""Author names as the catalogue stores them ("Ada Lovelace") split the way reference managers want them.

Sources give one string per author, mostly "Given Family", sometimes "Family, Given". The split follows
BibTeX's rules where they apply: lowercase words before the last one are the "von" part of the family name
("Ludwig van Beethoven" → family "van Beethoven"), and a trailing "Jr."/"III" stays with the family name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
# Letters NFKD does not decompose into ASCII; without these "Łukasiewicz" would key as "ukasiewicz".
_ASCII_FALLBACKS = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
     "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "\u0131": "i"}
)  # fmt: skip
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# "Google and DeepMind", "Smith and Jones Ltd": a group, not a person; inverting it would produce nonsense.
_GROUP = re.compile(r"\band\b|&", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PersonName:
    family: str
    given: str = ""

    @property
    def is_single(self) -> bool:
        """A mononym or an organisation: no given name to invert."""
        return not self.given


def split_name(name: str) -> PersonName:
    name = " ".join(name.split())
    if _GROUP.search(name):
        return PersonName(name)
    if "," in name:
        family, _, given = name.partition(",")
        return PersonName(family.strip(), given.strip())
    words = name.split(" ")
    if len(words) == 1:
        return PersonName(name)
    suffix = []
    if len(words) > 2 and words[-1].lower() in _SUFFIXES:
        suffix = [words.pop()]
    start = len(words) - 1
    # Walk back over lowercase particles ("van", "de la"), but always leave at least one given name.
    while start > 1 and words[start - 1][:1].islower():
        start -= 1
    family = " ".join(words[start:] + suffix)
    return PersonName(family, " ".join(words[:start]))


def ascii_slug(text: str) -> str:
    """Lowercase ASCII letters and digits only: "Müller-Łukasiewicz" → "mullerlukasiewicz"."""
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII_FALLBACKS))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_ALNUM.sub("", ascii_text)
