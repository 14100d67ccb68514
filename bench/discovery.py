"""What the discovery pages cost (issue 23), in-process like bench.pages: Django's test client,
PostgreSQL, no HTTP, one view at a time. Also how long matching alerts takes after an import.

    .venv/bin/python -m bench.discovery --database-url postgres://postgres@127.0.0.1:5432/<copy> [--views 200]

Runs on a copy of the bench database (bench.catalogue, bench.population: 75k papers, 10,000 readers),
which it changes: it gives readers remembered categories, alerts and alert matches. Each view is by a
different reader.
Prints the p50 and p95 milliseconds of a view and its queries, and the matching task's time.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Any

from bench.setup_db import arguments, percentiles, setup_as_server

# This helper's Redis database, not the shared benchmarks' one.
CACHE_URL = "redis://127.0.0.1:6379/4"
QUERIES = ["diffusion models", "graph neural networks", "reinforcement learning", "protein", "spiking"]


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--views", type=int, default=200)
    parser.add_argument("--alerts", type=int, default=2000, help="saved searches to match an import against")
    args = parser.parse_args()
    setup_as_server(args.database_url, cache_url=CACHE_URL)
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from papers.alerts.matching import match_new_papers
    from papers.catalogue.authors import author_slug
    from papers.models import Alert, AlertMatch, Paper, PaperAuthor, Profile

    cache.clear()
    rng = random.Random(23)
    readers = list(User.objects.filter(username__startswith="reader").order_by("pk")[: 4 * args.views + 200])
    days = sorted({d for d in Paper.objects.values_list("listed_on", flat=True).distinct() if d})[-20:]
    authors = [
        key
        for key, _ in PaperAuthor.objects.values_list("key").annotate(n=Count("id")).filter(n__gte=5)[:200]
    ]
    # Half the readers keep to language and learning papers and leave vision out.
    Profile.objects.filter(user__in=readers[::2]).update(
        categories_included=["cs.CL", "cs.LG"], categories_excluded=["cs.CV"]
    )

    # Alerts: every reader follows an author and saves a search; the newest days' papers matched them.
    Alert.objects.filter(user__in=readers).delete()
    Alert.objects.bulk_create(
        Alert(user=user, kind="author", name=key, author_key=key, author_name=key)
        for user, key in zip(readers, (rng.choice(authors) for _ in readers), strict=False)
    )
    # Saved searches as readers write them: two words of a paper's title, nearly all distinct.
    titles = list(Paper.objects.order_by("?").values_list("title", flat=True)[: len(readers)])
    searches = [
        " ".join([word for word in title.split() if len(word) > 3][:2]) or "learning" for title in titles
    ]
    Alert.objects.bulk_create(
        Alert(user=user, kind="search", name=q[:100], query=q[:200])
        for user, q in zip(readers, searches, strict=False)
    )
    recent = list(Paper.objects.filter(listed_on__gte=days[-3]).values_list("pk", flat=True))
    alerts = Alert.objects.filter(user__in=readers)
    AlertMatch.objects.bulk_create(
        (AlertMatch(alert=alert, paper_id=rng.choice(recent)) for alert in alerts for _ in range(3)),
        ignore_conflicts=True,
    )

    client = Client(HTTP_HOST="127.0.0.1")
    pool = iter(readers * 8)

    def reader() -> SimpleCookie:
        client.cookies = SimpleCookie()
        client.force_login(next(pool))
        return client.cookies

    def measure(label: str, path: Callable[[int], str]) -> None:
        for i in range(30):  # warm the process and the card cache
            client.cookies = reader()
            client.get(path(i))
        viewers = [reader() for _ in range(args.views)]
        samples, queries = [], 0

        def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        for i, cookies in enumerate(viewers):
            client.cookies = cookies
            with connection.execute_wrapper(count):
                start = time.perf_counter()
                response = client.get(path(i))
                samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, f"{path(i)}: HTTP {response.status_code}"
        stats = percentiles(samples)
        print(
            f"{label:<52} p50 {stats['p50_ms']:6.2f} ms  p95 {stats['p95_ms']:6.2f} ms"
            f"  {queries / len(samples):4.1f} queries",
            flush=True,
        )

    def day(i: int) -> str:
        return f"/day/{days[i % len(days)].isoformat()}/"

    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    measure("baseline: day, no filters", day)
    measure("baseline: search", lambda i: f"/search/?q={QUERIES[i % len(QUERIES)]}")
    measure("baseline: trending", lambda i: "/trending/")
    measure("day, remembered categories (half the readers)", day)
    measure("day, ?xcat=cs.CV", lambda i: day(i) + "?xcat=cs.CV")
    measure("day, unseen only", lambda i: day(i) + "?unseen=1")
    measure("month, unseen only", lambda i: f"/month/{days[-1]:%Y-%m}/?unseen=1")
    measure("trending, ?cat=cs.LG", lambda i: "/trending/?cat=cs.LG")
    measure("author page", lambda i: f"/authors/{author_slug(authors[i % len(authors)])}/")
    measure(
        "search, ?xcat=cs.CV&sort=newest",
        lambda i: f"/search/?q={QUERIES[i % len(QUERIES)]}&xcat=cs.CV&sort=newest",
    )
    measure(
        "search, ?author=<author with 5+ papers>",
        lambda i: f"/search/?q=learning&author={authors[i % len(authors)]}",
    )
    measure("feed with alert matches (rendered)", lambda i: "/feed/")
    measure("alerts page", lambda i: "/alerts/")

    # Matching: the newest day's papers against every alert (each reader's search and follow).
    newest = list(Paper.objects.filter(listed_on=days[-1]).values_list("pk", flat=True))
    saved_searches = Alert.objects.filter(kind="search").count()
    follows = Alert.objects.filter(kind="author").count()
    AlertMatch.objects.filter(paper_id__in=newest).delete()
    start = time.perf_counter()
    added = match_new_papers(newest)
    seconds = time.perf_counter() - start
    print(
        f"match_alerts: {len(newest)} new papers against {saved_searches} saved searches and"
        f" {follows} follows: {seconds:.2f} s ({added} matches)",
        flush=True,
    )


if __name__ == "__main__":
    main()
