"""Full-text search over the catalogue: PostgreSQL's stored tsvector, with a LIKE fallback on SQLite.

Both understand the same web-style syntax (papers.catalogue.search_syntax): "a phrase", -exclusions and OR.

`Paper.objects.search(q)` ranks; `attach_headlines(papers, q)` adds highlighted snippets to the few rows
of the page being shown. Highlights travel as private-use sentinel characters, never as HTML, so the
template filter `highlight` can escape the text first and only then turn the sentinels into <mark> tags.

Speed on PostgreSQL (75k papers). A broad query ("learning") matches a third of the catalogue, and
ranking every match means reading every match's tsvector: ~450 ms. So only the newest
MAX_RANKED_MATCHES matches are ranked, and the page says when that cap applied. Finding the newest
matches takes one of three plans, and the planner, which prices testing a row against the query as cheap
when it really means fetching a compressed tsvector, often picks the wrong one:
- a very common word (in over a quarter of the catalogue): walk the listed_on index backwards until
  enough rows match (about 5-10 ms, where a bitmap scan of every match takes ~270 ms);
- a word or phrase in a few thousand to some 18,000 papers: look for matches only among the newest
  papers, as many as should hold twice the matches needed (`_newest_in_window`): the GIN index and the
  listed_on index together name the rows, and only those are read ("diffusion models": 10-15 ms where
  collecting every match took 25-200, "networks" 8 ms where the walk took 17; `bench.search_plans`).
  Exact whenever the window holds enough matches (everything outside it is older); otherwise the walk
  for a common word, and for a rarer one:
- take all its matches from the GIN index and sort them by date (about 3-35 ms, where the backward
  walk passes tens of thousands of rows that do not match: 60-130 ms).
The choice is made from the planner's own estimate of the number of matches (`_estimates`).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from papers.catalogue import search_syntax

if TYPE_CHECKING:
    from papers.models import Paper, PaperQuerySet

# Longer queries are cut here (and the page says so): nobody types more, and it bounds the tsquery.
MAX_QUERY_LENGTH = 200
# So are queries past this many operators (-, OR). PostgreSQL's query parser stacks the operators still
# waiting for a word, and fails the whole query past 32 ("tsquery stack too small": 33 hyphens did it).
MAX_QUERY_OPERATORS = 10
MAX_RANKED_MATCHES = 500
# The window of newest papers searched first holds, by the planner's estimate, this many times the
# matches needed: the estimate is rough, and a window that holds too few costs a second query.
WINDOW_MARGIN = 2
# The window beats walking listed_on until about a quarter of the catalogue matches (medians on 75k
# papers: "networks", 9k matches, 17 -> 8 ms; "novel", 17k, 13 -> 7; near the limit it depends on the
# word: "enhancing", 18k, 17 -> 21; "image", 23k, 7.1 against 7.6; "benchmark", 25k, 5.6 against
# 8.5): past that, the walk finds its matches within a few thousand rows.
WINDOW_UP_TO_SHARE = 0.25

HIGHLIGHT_START = "\ue000"
HIGHLIGHT_STOP = "\ue001"

_CONTROL_OR_SENTINEL = re.compile(r"[\x00-\x1f\x7f\ue000\ue001]")
# An operator of websearch_to_tsquery: a minus that does not join two parts of a word (every minus of a
# run counts: "--x" is two negations), or the word OR. Counting a minus that is no operator only cuts a
# strange query sooner; missing one could let the parser's stack overflow.
_OPERATOR = re.compile(r"(?<!\w)-|(?<!\w)or(?!\w)", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
# In a parsed query, a phrase operator (<-> or <N>), and a hyphenated word followed by its parts, as
# websearch_to_tsquery writes it: 'fine-tun' <-> 'fine' <-> 'tune'. Lexemes quote a quote by doubling it.
_PHRASE_OPERATOR = r"<(?:-|\d+)>"
_PHRASE = re.compile(_PHRASE_OPERATOR)
_LEXEME = r"'(?:[^']|'')*'"
_COMPOUND_AND_PARTS = re.compile(rf"('(?:[^']|'')*-(?:[^']|'')*')((?: {_PHRASE_OPERATOR} {_LEXEME})+)")
# "(X) | (X)": both parses the same (no parentheses inside, so X is one whole side).
_SAME_TWICE = re.compile(r"\(\s*([^()]+?)\s*\) \| \(\s*\1\s*\)")


def highlight(text: str) -> SafeString:
    """Escape `text`, then turn the highlight sentinels into <mark> tags.

    Escaping comes first, so whatever a paper's title or abstract contains is shown as text; only the
    sentinels, which the search put there, become markup.
    """
    escaped = escape(text or "")
    if escaped.count(HIGHLIGHT_START) != escaped.count(HIGHLIGHT_STOP):
        # Unbalanced (the text itself held a sentinel): show it plain rather than risk stray tags.
        return mark_safe(escaped.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_STOP, ""))
    return mark_safe(escaped.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>"))


def clean_query(raw: str) -> tuple[str, str]:
    """The query as searched, and a notice for the reader when it had to be cut ("" when not).

    Control characters go (PostgreSQL rejects NUL outright), whitespace collapses, and the result is
    NFC-normalized so that a pasted "é" matches a typed one. Then it is cut to MAX_QUERY_LENGTH
    characters and before its operator number MAX_QUERY_OPERATORS + 1.
    """
    query = _CONTROL_OR_SENTINEL.sub(" ", unicodedata.normalize("NFC", raw))
    query = _WHITESPACE.sub(" ", query).strip()
    notices = []
    if len(query) > MAX_QUERY_LENGTH:
        query = query[:MAX_QUERY_LENGTH].rstrip()
        notices.append(
            f"Your query was longer than {MAX_QUERY_LENGTH} characters, so only the first "
            f"{MAX_QUERY_LENGTH} were searched."
        )
    operators = list(itertools.islice(_OPERATOR.finditer(query), MAX_QUERY_OPERATORS + 1))
    if len(operators) > MAX_QUERY_OPERATORS:
        query = query[: operators[-1].start()].rstrip()
        notices.append(
            f"Your query has more than {MAX_QUERY_OPERATORS} operators (-, OR), so only the part before "
            f"the {MAX_QUERY_OPERATORS + 1}th was searched."
        )
    return query, " ".join(notices)


def ranked(queryset: PaperQuerySet, query: str) -> PaperQuerySet:
    """Papers matching `query`, best first (at most MAX_RANKED_MATCHES), each annotated with `rank`.

    papers.catalogue.search_results pages through them and shares a query's ranking between readers.
    """
    if connection.vendor == "postgresql":
        return _ranked_on_postgresql(queryset, query)
    return _ranked_on_sqlite(queryset, query)


def _rank_newest(
    queryset: PaperQuerySet, newest_matches: PaperQuerySet | list[int], rank: Any
) -> PaperQuerySet:
    newest: Any
    if isinstance(newest_matches, list):
        # One array parameter: Django builds an IN list of 500 ids slowly (~4 ms).
        newest = RawSQL("SELECT unnest(%s::bigint[])", [newest_matches])
    else:
        newest = newest_matches.values("pk")[:MAX_RANKED_MATCHES]
    return (
        queryset.filter(pk__in=newest)
        .defer("search_vector")
        .annotate(rank=rank)
        .order_by("-rank", F("listed_on").desc(nulls_last=True), "-id")
    )


def attach_headlines(papers: Sequence[Paper], query: str) -> None:
    """Set `title_headline` and `abstract_headline` (text with sentinel highlights) on each paper.

    Only the rows of the page being shown get here, so ts_headline runs on a handful of rows, in one
    query, instead of on every match.
    """
    if not papers:
        return
    if connection.vendor == "postgresql":
        by_pk = _headlines_on_postgresql([paper.pk for paper in papers], query)
    else:
        terms = query_terms(query)
        by_pk = {
            paper.pk: (mark_terms(paper.title, terms), abstract_excerpt(paper.abstract, terms))
            for paper in papers
        }
    for paper in papers:
        headline = by_pk.get(paper.pk, (paper.title, paper.abstract))
        paper.title_headline, paper.abstract_headline = headline  # type: ignore[attr-defined]


# PostgreSQL


class ParsedSearchQuery(SearchQuery):
    """A tsquery PostgreSQL has already parsed, passed back as a literal instead of being parsed again.

    As a constant it lets the planner estimate the number of matches from the column's statistics.
    """

    template = "%(expressions)s::tsquery"


# The same text always parses to the same tsquery: a page and its headlines, and the next visitor asking
# the same thing, reuse the answer instead of asking PostgreSQL again.
@functools.lru_cache(maxsize=4096)
def parse_query(query: str) -> str:
    """The tsquery (as text) for a web-style query; empty when nothing is left to search.

    Titles and abstracts are indexed with the 'english' configuration and author names with 'simple'
    (names are not stemmed: "Graves" stays "graves"), so the query is parsed both ways and either may
    match. When both parses agree, as they do for most words, the query is not doubled: "'sensor' |
    'sensor'" would make the planner expect twice the matches.
    """
    syntax = search_syntax.parse(query)
    if search_syntax.has_negation(syntax):
        return _parse_with_exclusions(syntax)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT websearch_to_tsquery('english', %s)::text, websearch_to_tsquery('simple', %s)::text",
            [query, query],
        )
        english, simple = cursor.fetchone()
    return _either(english, simple)


def _either(english: str, simple: str) -> str:
    if not english or not simple or english == simple:
        return english or simple
    return f"({english}) | ({simple})"


def _parse_with_exclusions(syntax: search_syntax.Query) -> str:
    """The tsquery of a query with -exclusions, built group by group from `syntax`.

    Parsed whole, "(english) | (simple)" would let an excluded word back in through the other parse:
    in "gan -image" the simple parse excludes 'image', which no title holds (titles are stemmed to
    'imag'), so its 'gan' branch matched papers about images. Here an excluded term is excluded in both
    forms, and each group's other terms keep the "(english) | (simple)" of a query without exclusions.
    One round trip parses every piece.
    """
    pieces: list[str] = []
    for group in syntax:
        pieces.append(" ".join(f'"{term.text}"' for term in group if not term.negated))
        pieces += [f'"{term.text}"' for term in group if term.negated]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT websearch_to_tsquery('english', piece)::text, websearch_to_tsquery('simple', piece)::text"
            " FROM unnest(%s::text[]) WITH ORDINALITY AS pieces(piece, n) ORDER BY n",
            [pieces],
        )
        parsed = iter([_either(english, simple) for english, simple in cursor.fetchall()])
    groups = []
    for group in syntax:
        included = next(parsed)
        excluded = [f"!({piece})" for term in group if term.negated and (piece := next(parsed))]
        parts = ([f"({included})"] if included else []) + excluded
        if parts:
            groups.append(" & ".join(parts))
    return " | ".join(f"({group})" for group in groups) if len(groups) > 1 else "".join(groups)


def without_compound_parts(tsquery: str) -> str:
    """`tsquery` with each hyphenated word standing alone, without the phrase of its parts (and whatever
    follows it in a quoted phrase): "'zero-shot' <-> 'zero' <-> 'shot'" becomes "'zero-shot'".

    The planner's estimate of a phrase multiplies its words' frequencies as if they were independent, so
    a hyphenated word, whose parts always come with it, would look ten to two hundred times too rare
    ("large-scale": 596 estimated, 6,657 real; "zero-shot": 18 and 3,583). By itself it is estimated
    right (7,028 and 3,433), and a paper holding it holds its parts, in order, right after it: without a
    negation the result matches every paper the query matches, and rarely one more. When the English
    and the simple parse (`parse_query`) then agree, as they do for most hyphenated words, one is kept:
    "'chain-of-thought' | 'chain-of-thought'" is estimated at twice the matches of either.
    """
    alone = _COMPOUND_AND_PARTS.sub(r"\1", tsquery)
    same_twice = _SAME_TWICE.fullmatch(alone)
    return same_twice.group(1) if same_twice else alone


def _estimates(table: str, tsquery: str) -> tuple[float, float]:
    """(matches, papers) as the planner estimates them, a hyphenated word by itself
    (`without_compound_parts`): too many matches at worst, never too few."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {connection.ops.quote_name(table)} "
            "WHERE search_vector @@ %s::tsquery",
            [without_compound_parts(tsquery)],
        )
        plan = cursor.fetchone()[0]
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        papers = max(cursor.fetchone()[0], 0)
    return plan[0]["Plan"]["Plan Rows"], papers


def _matches_are_common(matches: float, papers: float) -> bool:
    """Whether so many papers match that walking listed_on backwards beats collecting every match.

    The walk passes about MAX_RANKED_MATCHES · papers / matches rows, the bitmap scan fetches every
    match, and a row passed costs about twice a row fetched (measured), so the plans break even at
    matches ≈ sqrt(2 · MAX_RANKED_MATCHES · papers): about 8,700 (12%) of 75k papers.
    """
    return matches > math.sqrt(2 * MAX_RANKED_MATCHES * papers)


def _matches_are_very_common(matches: float, papers: float) -> bool:
    """Whether so many papers match that the walk beats the window too: reading the index entries of a
    word in a quarter of the catalogue costs more than walking to its newest matches."""
    return matches > papers * WINDOW_UP_TO_SHARE


def _window(matches: float, papers: float) -> int | None:
    """How many of the newest papers should hold WINDOW_MARGIN times the matches needed; None when
    that is over half the catalogue (then a window saves little)."""
    if matches <= 0 or papers <= 0:
        return None
    rows = WINDOW_MARGIN * MAX_RANKED_MATCHES * papers / matches
    return int(rows) if rows < papers / 2 else None


# `listed_on + 0` sorts the same as listed_on but no index provides it, so the planner cannot walk the
# listed_on index: it collects the matches and sorts them. Both put papers without a day first.
_UNINDEXED_DAY = Func(F("listed_on"), template="(%(expressions)s + 0)", output_field=DateField())


def _newest_in_window(matches: PaperQuerySet, rows: int) -> list[int] | None:
    """The ids of the newest MAX_RANKED_MATCHES matches, looked for only among papers listed on or after
    the day of the `rows`-th newest paper (and those without a day, which count as newest); None when
    fewer match there. One query: the window's first day is a subquery on the listed_on index."""
    from papers.models import Paper

    first_day = Paper.objects.filter(listed_on__isnull=False).order_by("-listed_on").values("listed_on")
    in_window = Q(listed_on__gte=Subquery(first_day[rows : rows + 1])) | Q(listed_on__isnull=True)
    newest = matches.filter(in_window).order_by(_UNINDEXED_DAY.desc(), "-id")
    ids = list(newest.values_list("pk", flat=True)[:MAX_RANKED_MATCHES])
    return ids if len(ids) == MAX_RANKED_MATCHES else None


def _window_matches(queryset: PaperQuerySet, tsquery: str) -> PaperQuerySet:
    """The papers matching `tsquery`, asking the GIN index for its hyphenated words alone.

    For a phrase the planner expects a handful of matches, so it takes them all from the GIN index and
    tests every one against the phrase (its tsvector read) before the window's day, instead of crossing
    the index with the listed_on index: "zero-shot" tested 3,583 papers where the window holds ~1,000.
    Asked for the hyphenated word, which it estimates right, it crosses both indexes; the phrase is then
    tested as a function call, which no index answers, on the rows that are left. The result is the
    same. Not with a negation, where the hyphenated word alone would leave out too much.
    """
    indexed = without_compound_parts(tsquery)
    if indexed == tsquery or "!" in tsquery:
        return queryset.filter(search_vector=ParsedSearchQuery(tsquery))
    exact = Func(
        F("search_vector"), ParsedSearchQuery(tsquery), function="ts_match_vq", output_field=BooleanField()
    )
    return queryset.filter(search_vector=ParsedSearchQuery(indexed)).filter(exact)


def _newest_matches(queryset: PaperQuerySet, tsquery: str) -> PaperQuerySet | list[int]:
    """The newest MAX_RANKED_MATCHES matches by the cheapest plan (module docstring)."""
    matches = queryset.filter(search_vector=ParsedSearchQuery(tsquery))
    estimated, papers = _estimates(queryset.model._meta.db_table, tsquery)
    # Not for a phrase: its estimate may be far too high (`_estimates`), and walking for a rare phrase
    # would pass the whole catalogue.
    walk = _matches_are_common(estimated, papers) and not _PHRASE.search(tsquery)
    if walk and _matches_are_very_common(estimated, papers):
        return matches.order_by("-listed_on", "-id")
    rows = _window(estimated, papers)
    if rows is not None and (ids := _newest_in_window(_window_matches(queryset, tsquery), rows)) is not None:
        return ids
    if walk:
        return matches.order_by("-listed_on", "-id")
    return matches.order_by(_UNINDEXED_DAY.desc(), "-id")


def _ranked_on_postgresql(queryset: PaperQuerySet, query: str) -> PaperQuerySet:
    parsed = parse_query(query)
    if not parsed:
        return queryset.none()
    newest = _newest_matches(queryset, parsed)
    return _rank_newest(queryset, newest, SearchRank(F("search_vector"), ParsedSearchQuery(parsed)))


def _headlines_on_postgresql(pks: list[int], query: str) -> dict[int, tuple[str, str]]:
    from papers.models import Paper

    tsquery = ParsedSearchQuery(parse_query(query))
    rows = Paper.objects.filter(pk__in=pks).values_list(
        "pk",
        SearchHeadline(
            "title",
            tsquery,
            config="english",
            start_sel=HIGHLIGHT_START,
            stop_sel=HIGHLIGHT_STOP,
            highlight_all=True,
        ),
        SearchHeadline(
            "abstract",
            tsquery,
            config="english",
            start_sel=HIGHLIGHT_START,
            stop_sel=HIGHLIGHT_STOP,
            min_words=20,
            max_words=45,
            max_fragments=2,
            fragment_delimiter=" … ",
        ),
    )
    return {pk: (title, abstract) for pk, title, abstract in rows}


# SQLite (development): LIKE on every row (a regular expression for a phrase), good enough for a few
# thousand papers.


def query_terms(query: str) -> list[str]:
    """The words of a query a match may contain, lowercased and deduplicated (not the excluded ones)."""
    return search_syntax.positive_words(search_syntax.parse(query))


_TEXT_FIELDS = ("title", "abstract", "authors")


def _term_in(field: str, term: search_syntax.Term) -> Q:
    """`term` in `field`: a word anywhere (so "cell" finds "cells", as stemming would), a phrase as its
    words in order with only spaces or punctuation between them ("in-context learning")."""
    words = term.words
    if len(words) == 1:
        return Q(**{f"{field}__icontains": words[0]})
    return Q(**{f"{field}__iregex": r"\W+".join(re.escape(word) for word in words)})


def _term_anywhere(term: search_syntax.Term) -> Q:
    found = Q()
    for field in _TEXT_FIELDS:
        found |= _term_in(field, term)
    return found


def _matches_on_sqlite(syntax: search_syntax.Query) -> Q:
    matches = Q()
    for group in syntax:
        in_group = Q()
        for term in group:
            in_group &= ~_term_anywhere(term) if term.negated else _term_anywhere(term)
        matches |= in_group
    return matches


def matching(queryset: PaperQuerySet, query: str) -> PaperQuerySet:
    """The papers of `queryset` that match `query`, neither ranked nor capped: for a few papers at a
    time (alerts test each import's new papers), never for the whole catalogue."""
    if connection.vendor == "postgresql":
        parsed = parse_query(query)
        return queryset.filter(search_vector=ParsedSearchQuery(parsed)) if parsed else queryset.none()
    syntax = search_syntax.parse(query)
    return queryset.filter(_matches_on_sqlite(syntax)) if syntax else queryset.none()


def _ranked_on_sqlite(queryset: PaperQuerySet, query: str) -> PaperQuerySet:
    syntax = search_syntax.parse(query)
    if not syntax:
        return queryset.none()
    matches = _matches_on_sqlite(syntax)
    # A paper with more of the words in its title comes before one that has them elsewhere.
    wanted = [term for group in syntax for term in group if not term.negated]
    in_title = [Case(When(_term_in("title", term), then=Value(1)), default=Value(0)) for term in wanted]
    rank: Any = sum(in_title[1:], in_title[0]) if in_title else Value(0)
    rank = ExpressionWrapper(rank, output_field=IntegerField())
    return _rank_newest(queryset, queryset.filter(matches).order_by("-listed_on", "-id"), rank)


def mark_terms(text: str, terms: Iterable[str]) -> str:
    """`text` with every case-insensitive occurrence of a term wrapped in highlight sentinels."""
    words = sorted({term for term in terms if term}, key=len, reverse=True)
    if not words:
        return text
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    return pattern.sub(lambda match: f"{HIGHLIGHT_START}{match.group(0)}{HIGHLIGHT_STOP}", text)


def abstract_excerpt(abstract: str, terms: Sequence[str], *, words: int = 45) -> str:
    """About `words` words of the abstract around the first matching term, highlighted."""
    tokens = abstract.split()
    lowered = [token.lower() for token in tokens]
    first = next((i for i, token in enumerate(lowered) if any(term in token for term in terms)), 0)
    start = max(0, first - words // 3)
    excerpt = " ".join(tokens[start : start + words])
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + words < len(tokens) else ""
    return prefix + mark_terms(excerpt, terms) + suffix
