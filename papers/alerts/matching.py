"""Which new papers match which alerts, recorded as AlertMatch rows after each import.

An import batch hands its new papers' ids to the `match_alerts` task once it commits. Followed authors
are matched in two queries whatever their number (the new papers' author rows, then the alerts with
those keys); each distinct saved search is one query restricted to the new papers' ids, so the cost
grows with the distinct searches, not with the catalogue. Rows are inserted with conflicts ignored:
running the task twice changes nothing.

Only papers with a listing day count as new: a reference manager's old paper brought in by a list
import, or an undated page capture, is not news.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from papers.catalogue.filters import PaperFilters
from papers.catalogue.search import matching
from papers.models import Alert, AlertMatch, Paper, PaperAuthor


def _filters(alert: Alert) -> PaperFilters:
    return PaperFilters(
        included=tuple(alert.categories_included or ()),
        excluded=tuple(alert.categories_excluded or ()),
        author=alert.author_name,
    )


def _search_key(alert: Alert) -> tuple[object, ...]:
    return (
        alert.query,
        tuple(alert.categories_included or ()),
        tuple(alert.categories_excluded or ()),
        alert.author_key,
    )


def match_new_papers(paper_ids: Collection[int]) -> int:
    """Record every alert's matches among these papers; returns how many matches were new."""
    new = Paper.objects.filter(pk__in=list(paper_ids), listed_on__isnull=False)
    ids = list(new.values_list("pk", flat=True))
    if not ids:
        return 0
    matches: list[AlertMatch] = []
    authors_by_key: dict[str, set[int]] = defaultdict(set)
    for paper_id, key in PaperAuthor.objects.filter(paper_id__in=ids).values_list("paper_id", "key"):
        authors_by_key[key].add(paper_id)
    if authors_by_key:
        followed = Alert.objects.filter(kind=Alert.Kind.AUTHOR, author_key__in=list(authors_by_key))
        for alert in followed.only("id", "user_id", "author_key"):
            matches += [AlertMatch(alert=alert, paper_id=pk) for pk in authors_by_key[alert.author_key]]
    candidates = Paper.objects.filter(pk__in=ids)
    # Readers save the same searches ("diffusion models"): each distinct search is asked once.
    alike: dict[tuple[object, ...], list[Alert]] = defaultdict(list)
    for alert in Alert.objects.filter(kind=Alert.Kind.SEARCH).order_by("pk"):
        alike[_search_key(alert)].append(alert)
    for alerts in alike.values():
        papers = _filters(alerts[0]).apply(candidates)
        if alerts[0].query:
            papers = matching(papers, alerts[0].query)
        found = list(papers.values_list("pk", flat=True))
        matches += [AlertMatch(alert=alert, paper_id=pk) for alert in alerts for pk in found]
    if not matches:
        return 0
    before = AlertMatch.objects.filter(paper_id__in=ids).count()
    AlertMatch.objects.bulk_create(matches, ignore_conflicts=True)
    added = AlertMatch.objects.filter(paper_id__in=ids).count() - before
    return added
