"""Filters a reader puts on listings and search: arXiv categories kept and left out, a date range, an
author. Read from the query string (`?cat=cs.CL&xcat=cs.CV&since=2024-01-01&until=…&author=…`), so the forms
work without JavaScript and every filtered page has its own address.

A reader's categories are remembered on their profile (`Profile.categories_included/excluded`); a page
whose query string names categories (even none: `?cat=&xcat=`) uses those instead.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.http import QueryDict

from papers.models import PaperQuerySet, author_key

# cs.CL, hep-th, q-bio.NC, math-ph, astro-ph.GA: an archive, and optionally a subject class.
_CATEGORY = re.compile(r"^[A-Za-z][A-Za-z-]{0,15}(?:\.[A-Za-z][A-Za-z-]{0,15})?$")
_SEPARATORS = re.compile(r"[\s,]+")
MAX_CATEGORIES = 20
AUTHOR_MAX_CHARS = 300


class FilterError(ValueError):
    """A filter the page cannot apply; the message says which and why."""


def canonical_category(name: str) -> str:
    """A category as arXiv writes it: the archive in lower case, a two-letter subject class in upper
    case (cs.LG, math.AG, q-bio.NC), a longer one in lower case (physics.optics, cond-mat.mes-hall)."""
    archive, dot, subject = name.partition(".")
    if not dot:
        return archive.lower()
    return f"{archive.lower()}.{subject.upper() if len(subject) <= 2 else subject.lower()}"


def parse_categories(text: str) -> tuple[str, ...]:
    """ "cs.CL, cs.lg" or "cs.CL cs.LG" as ("cs.CL", "cs.LG"): as arXiv writes them, repeats dropped."""
    names = [name for name in _SEPARATORS.split(text.strip()) if name]
    if len(names) > MAX_CATEGORIES:
        raise FilterError(f"At most {MAX_CATEGORIES} categories.")
    for name in names:
        if not _CATEGORY.match(name):
            raise FilterError(f"“{name[:40]}” is not an arXiv category (like cs.CL or hep-th).")
    return tuple(dict.fromkeys(canonical_category(name) for name in names))


def _date(value: str, label: str) -> datetime.date | None:
    if not value.strip():
        return None
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise FilterError(f"The {label} date must be written like 2024-01-31.") from None


def _has_category(name: str) -> Q:
    if connection.vendor == "postgresql":
        # jsonb containment: half the time of matching the column's text (`bench.discovery`).
        return Q(categories__contains=[name])
    # `categories` is a JSON list whose text holds each name in double quotes, so a quoted name matches
    # that category exactly ("cs.C" is not "cs.CL").
    return Q(categories__icontains=f'"{name}"')


@dataclass(frozen=True)
class PaperFilters:
    included: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    since: datetime.date | None = None
    until: datetime.date | None = None
    author: str = ""
    # Whether the categories came from the reader's profile rather than the page's address.
    remembered: bool = False

    @classmethod
    def from_query(
        cls,
        params: Mapping[str, str] | QueryDict,
        *,
        remembered: tuple[Iterable[str], Iterable[str]] = ((), ()),
    ) -> PaperFilters:
        """The filters in a query string; the remembered categories when it names none. Raises
        FilterError for a malformed one."""
        get = params.get
        author = (get("author") or "").strip()
        if len(author) > AUTHOR_MAX_CHARS:
            raise FilterError(f"An author name has at most {AUTHOR_MAX_CHARS} characters.")
        if author and not author_key(author):
            raise FilterError("The author filter needs a name.")
        since, until = _date(get("since") or "", "first"), _date(get("until") or "", "last")
        if since and until and since > until:
            raise FilterError("The first date is after the last date.")
        if "cat" in params or "xcat" in params:
            included = parse_categories(get("cat") or "")
            excluded = parse_categories(get("xcat") or "")
            from_profile = False
        else:
            included, excluded = tuple(remembered[0]), tuple(remembered[1])
            from_profile = bool(included or excluded)
        return cls(included, excluded, since, until, author, from_profile)

    @property
    def author_key(self) -> str:
        return author_key(self.author) if self.author else ""

    @property
    def categories(self) -> bool:
        return bool(self.included or self.excluded)

    def __bool__(self) -> bool:
        return bool(self.categories or self.since or self.until or self.author)

    def apply(self, papers: PaperQuerySet) -> PaperQuerySet:
        """`papers` narrowed to these filters: a paper in any included category (all, when none is
        included), in no excluded one, dated within the range (its listing day, else its own date), by
        the author (any spelling of the name)."""
        if self.included:
            wanted = Q()
            for name in self.included:
                wanted |= _has_category(name)
            papers = papers.filter(wanted)
        for name in self.excluded:
            papers = papers.exclude(_has_category(name))
        if self.since:
            papers = papers.filter(
                Q(listed_on__gte=self.since) | Q(listed_on__isnull=True, published_on__gte=self.since)
            )
        if self.until:
            papers = papers.filter(
                Q(listed_on__lte=self.until) | Q(listed_on__isnull=True, published_on__lte=self.until)
            )
        if self.author:
            papers = papers.by_author(self.author_key)
        return papers
