"""What one first view of a page costs, in-process: Django's test client, PostgreSQL, Redis, no HTTP.

    .venv/bin/python -m bench.pages [--database-url URL] [--views 200]

Runs on the bench database (bench.catalogue, bench.population, bench.nightly). Each view is by a
different reader (or a visitor), as on a running site. Prints the mean and p95 milliseconds of a view
and its queries. bench.load measures the same pages under concurrent load through gunicorn.

Production settings (bench.load's server environment: DEBUG off, static files from the manifest), and
one client whose cookies are swapped per view: a new test client loads the middleware on its first
request (WhiteNoise reads every static file's headers then), which is not part of any view.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote_plus

from bench.setup_db import arguments, percentiles, setup_as_server

SEARCHES = [
    "diffusion",
    "graph neural networks",
    '"reinforcement learning"',
    "transformer -vision",
    "protein",
]


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--views", type=int, default=200)
    args = parser.parse_args()
    # As in production: the shared cache is Redis (its own database here, emptied first).
    setup_as_server(args.database_url)
    from bench.population import ensure_profiles

    ensure_profiles()  # benchmark databases made before it was part of bench.population
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from papers.models import Paper, ReadingList

    cache.clear()
    # Each view by another reader while there are enough (10,000 on the bench database).
    readers = itertools.cycle(
        User.objects.filter(username__startswith="reader").order_by("?")[: 8 * (args.views + 50)]
    )
    with_ids = Paper.objects.exclude(arxiv_id=None).order_by("?")
    arxiv_ids = list(with_ids.values_list("arxiv_id", flat=True)[:50])
    days = sorted({day for day in Paper.objects.values_list("listed_on", flat=True).distinct() if day})[-20:]

    client = Client(HTTP_HOST="127.0.0.1")

    def reader() -> SimpleCookie:
        client.cookies = SimpleCookie()  # each reader's own: logging in adds to the client's cookies
        client.force_login(next(readers))
        return client.cookies

    def visitor() -> SimpleCookie:
        return SimpleCookie()

    def measure(label: str, view: Callable[[int], tuple[SimpleCookie, str]]) -> None:
        """`view(i)`: the cookies and the path of the i-th view (the first 50 warm the process)."""
        for i in range(50):
            client.cookies, path = view(i)
            client.get(path)
        views = [view(50 + i) for i in range(args.views)]  # logging in is not part of a view
        samples, queries = [], 0

        def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        for cookies, path in views:
            client.cookies = cookies
            # Counted by an execute wrapper: Django's query log (CaptureQueriesContext) costs time too.
            with connection.execute_wrapper(count):
                start = time.perf_counter()
                response = client.get(path)
                samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, f"{path}: HTTP {response.status_code}"
        stats = percentiles(samples)
        print(
            f"{label:<32} mean {sum(samples) / len(samples):6.2f} ms  p95 {stats['p95_ms']:6.2f} ms"
            f"  {queries / len(samples):4.1f} queries",
            flush=True,
        )

    def paper(i: int) -> str:
        return f"/abs/{arxiv_ids[i % len(arxiv_ids)]}/"

    def day(i: int) -> str:
        return f"/day/{days[i % len(days)].isoformat()}/"

    def search(i: int) -> str:
        return f"/search/?q={quote_plus(SEARCHES[i % len(SEARCHES)])}"

    lists = list(
        ReadingList.objects.filter(owner__username__startswith="reader", items__isnull=False)
        .distinct()
        .values_list("pk", "owner_id")[: args.views + 50]
    )

    def own_list(i: int) -> tuple[SimpleCookie, str]:
        pk, owner_id = lists[i % len(lists)]
        client.cookies = SimpleCookie()
        client.force_login(User.objects.get(pk=owner_id))
        return client.cookies, f"/lists/{pk}/"

    measure("feed, reader", lambda i: (reader(), "/feed/"))
    measure("paper page, reader", lambda i: (reader(), paper(i)))
    measure("paper page, visitor", lambda i: (visitor(), paper(i)))
    measure("daily page, reader", lambda i: (reader(), day(i)))
    measure("daily page, visitor", lambda i: (visitor(), day(i)))
    measure("trending, reader", lambda i: (reader(), "/trending/"))
    measure("search, reader", lambda i: (reader(), search(i)))
    if lists:
        measure("reading list, its owner", own_list)


if __name__ == "__main__":
    main()
