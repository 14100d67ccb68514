"""What finding and ranking a new query's newest matches costs, with and without the window of newest
papers (papers.catalogue.search: `_newest_in_window`), and whether both give the same ranking.

    .venv/bin/python -m bench.search_plans [--database-url URL] [--queries 200] [--seed 16]

Runs on the bench database (bench.catalogue), in-process, PostgreSQL only: the ranked ids of each query
(`Paper.objects.search`, no page, no cache), once as the site does it and once with the window turned
off, each going first every other query. Queries are the catalogue's words and phrases
(bench.catalogue's sample, another seed) plus a few known slow ones. Prints mean, p50, p95 and max
milliseconds of each, the slowest queries, and how many rankings differ (there must be none).
"""

from __future__ import annotations

import statistics
from functools import partial

from bench.setup_db import arguments, percentiles, setup_as_server, time_calls

KNOWN_SLOW = ["Large-Scale", "Fine-Tuning", "diffusion models", '"in-context learning"', "learning", "model"]


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    setup_as_server(args.database_url)
    from bench.catalogue import sample_queries
    from papers.catalogue import search
    from papers.models import Paper

    queries = list(dict.fromkeys(sample_queries(10 * args.queries, seed=args.seed)))[: args.queries]
    queries += KNOWN_SLOW
    window = search._window

    def ranking(query: str, with_window: bool) -> list[int]:
        search._window = window if with_window else lambda matches, papers: None
        return list(Paper.objects.search(query).values_list("pk", flat=True))

    timings: dict[bool, list[float]] = {False: [], True: []}
    differ = []
    for number, query in enumerate(queries):
        rankings = {}
        # Each plan goes first every other query: the first to run reads the rows into the buffers.
        for with_window in (False, True) if number % 2 else (True, False):
            timings[with_window] += time_calls(partial(ranking, query, with_window))
            rankings[with_window] = ranking(query, with_window)
        if rankings[False] != rankings[True]:
            differ.append(query)
    search._window = window
    for with_window, label in ((False, "without the window"), (True, "with the window (the site)")):
        stats = percentiles(timings[with_window])
        mean = statistics.mean(timings[with_window])
        print(
            f"{label:<28} mean {mean:5.1f} ms  p50 {stats['p50_ms']:5.1f}  p95 {stats['p95_ms']:5.1f}"
            f"  max {stats['max_ms']:6.1f}  ({stats['n']} queries)"
        )
    slowest = sorted(zip(queries, timings[False], timings[True], strict=True), key=lambda row: -row[2])[:5]
    print(
        "slowest with the window:",
        ", ".join(f"{q!r} {before:.0f} -> {after:.0f} ms" for q, before, after in slowest),
    )
    print(f"rankings that differ: {len(differ)} {differ[:5]}")


if __name__ == "__main__":
    main()
