"""What one first view of a page costs, in-process: Django's test client, PostgreSQL, Redis, no HTTP.

    .venv/bin/python -m bench.pages [--database-url URL] [--views 200]

Runs on the bench database (bench.catalogue, bench.population, bench.nightly). Each view is by a
reader (or a visitor) who has not seen the page yet, so nothing is stored for them (papers.page_cache);
the feed is measured rendered, and served from the page prepared ahead for the reader (papers.feed_pages);
for the listing and paper pages it is measured twice: rendered per reader (PAGE_CACHE_SECONDS=0), and as
a shared copy filled in for them (papers.shared_pages; the copies are made by earlier views, as on a
running site). Prints the mean and p95 milliseconds of a view and its queries. bench.load measures the
same pages under concurrent load through gunicorn.

Production settings (bench.load's server environment: DEBUG off, static files from the manifest), and
one client whose cookies are swapped per view: a new test client loads the middleware on its first
request (WhiteNoise reads every static file's headers then), which is not part of any view.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Any

from bench.setup_db import arguments, percentiles, setup_as_server


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--views", type=int, default=200)
    args = parser.parse_args()
    # As in production: the shared cache is Redis (its own database here, emptied first).
    setup_as_server(args.database_url)
    from bench.population import ensure_profiles

    ensure_profiles()  # benchmark databases made before it was part of bench.population
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from papers import feed_pages
    from papers.models import Paper

    cache.clear()
    readers = iter(User.objects.filter(username__startswith="reader").order_by("?")[: 8 * (args.views + 50)])
    with_ids = Paper.objects.exclude(arxiv_id=None).order_by("?")
    arxiv_ids = list(with_ids.values_list("arxiv_id", flat=True)[:50])
    days = sorted({day for day in Paper.objects.values_list("listed_on", flat=True).distinct() if day})[-20:]

    client = Client(HTTP_HOST="127.0.0.1")

    def reader() -> SimpleCookie:
        client.cookies = SimpleCookie()  # each reader's own: logging in adds to the client's cookies
        client.force_login(next(readers))
        return client.cookies

    def prepared_reader() -> SimpleCookie:
        """A reader whose feed page was prepared ahead (papers.feed_pages), as the nightly run does."""
        user = next(readers)
        assert feed_pages.prepare(user), "the reader's feed is empty"
        client.cookies = SimpleCookie()
        client.force_login(user)
        return client.cookies

    def visitor() -> SimpleCookie:
        return SimpleCookie()

    def measure(
        label: str, who: Callable[[], SimpleCookie], path: Callable[[int], str], seconds: int
    ) -> None:
        settings.PAGE_CACHE_SECONDS = seconds
        for i in range(50):  # warm the process, the card cache and (when on) the shared copies
            client.cookies = who()
            client.get(path(i))
        viewers = [who() for _ in range(args.views)]  # logging in is not part of a view
        samples, queries = [], 0

        def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        for i, cookies in enumerate(viewers):
            client.cookies = cookies
            # Counted by an execute wrapper: under Django's query log (CaptureQueriesContext) the hot
            # queries run unprepared (papers.model_rows.planned_once_cursor), as the server never does.
            with connection.execute_wrapper(count):
                start = time.perf_counter()
                response = client.get(path(i))
                samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, f"{path(i)}: HTTP {response.status_code}"
        stats = percentiles(samples)
        print(
            f"{label:<44} mean {sum(samples) / len(samples):6.2f} ms  p95 {stats['p95_ms']:6.2f} ms"
            f"  {queries / len(samples):4.1f} queries",
            flush=True,
        )

    def paper(i: int) -> str:
        return f"/abs/{arxiv_ids[i % len(arxiv_ids)]}/"

    def day(i: int) -> str:
        return f"/day/{days[i % len(days)].isoformat()}/"

    measure("feed, reader's first view, rendered", reader, lambda i: "/feed/", 60)
    measure("feed, reader's first view, prepared ahead", prepared_reader, lambda i: "/feed/", 60)
    measure("paper page, rendered per reader", reader, paper, 0)
    measure("paper page, shared copy filled in", reader, paper, 60)
    measure("daily page, rendered per reader", reader, day, 0)
    measure("daily page, shared copy filled in", reader, day, 60)
    measure("daily page, new visitor, rendered", visitor, day, 0)
    measure("daily page, new visitor, shared copy", visitor, day, 60)


if __name__ == "__main__":
    main()
