"""Catalogue benchmark: import the 75k arXiv papers into PostgreSQL, then time searches.

    .venv/bin/python -m bench.catalogue [--database-url URL] [--keep] [--queries N]

Goals (issue 2, 2-core machine): the import in at most 60 s; search p95 at most 50 ms. Search is timed
as the server sees it: the whole /search/ page rendered through Django (query, ranking, headlines,
template and cards), from a warm process, for a fixed set of queries: hand-picked researcher queries
plus words and phrases drawn (with a fixed seed) from the catalogue's own titles, rare and common alike.
Then the same queries again ("asked before"), with their pages in PostgreSQL's memory.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from functools import partial

from bench.setup_db import (
    ARXIV_75K,
    arguments,
    percentiles,
    setup_as_server,
    time_calls,
    timed,
)

HAND_PICKED = [
    "spiking neural networks",
    "diffusion models",
    "large language models",
    "reinforcement learning from human feedback",
    '"in-context learning"',
    "graph neural network",
    "vision transformer",
    "mixture of experts",
    "retrieval augmented generation",
    "hippocampus",
    "protein structure",
    "federated learning privacy",
    "gaussian splatting",
    "speculative decoding",
    "learning",
    "model",
    "zxqv qwpx",
    "diffusion -image",
    "sparse autoencoder interpretability",
    "Yann LeCun",
]
# Asked first, untimed: they warm the process and PostgreSQL's cache, as a running server would be.
WARM_UP_QUERIES = 20
WORD = re.compile(r"[A-Za-z][A-Za-z-]{3,}")


def sample_queries(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    titles = []
    with gzip.open(ARXIV_75K, "rt", encoding="utf-8") as lines:
        for line in lines:
            titles.append(json.loads(line)["title"])
    queries = list(HAND_PICKED)
    while len(queries) < count:
        words = WORD.findall(rng.choice(titles))
        if not words:
            continue
        start = rng.randrange(len(words))
        queries.append(" ".join(words[start : start + rng.choice((1, 1, 2, 3))]))
    return queries[:count]


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--keep", action="store_true", help="reuse the database (skip the fresh import)")
    parser.add_argument("--queries", type=int, default=280, help=f"timed (after {WARM_UP_QUERIES} untimed)")
    args = parser.parse_args()

    # As in production (settings and cache): the default database cache would add its own writes to
    # every search and time those instead.
    setup_as_server(args.database_url, cache_url="redis://127.0.0.1:6379/8", fresh=not args.keep)
    from django.db import connection
    from django.test import Client

    from papers.importers import import_file
    from papers.models import Paper

    results: dict[str, float] = {}
    if not args.keep:
        with timed("import 75k (fresh database)", results):
            report = import_file(ARXIV_75K)
        print(f"  {report}")
        with timed("re-import 75k (all unchanged)", results):
            report = import_file(ARXIV_75K)
        print(f"  {report}")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE papers_paper")
    print(f"papers in catalogue: {Paper.objects.count()}")

    client = Client(HTTP_HOST="127.0.0.1")
    queries = sample_queries(args.queries + WARM_UP_QUERIES)
    for query in queries[:WARM_UP_QUERIES]:
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200, f"{query!r}: HTTP {response.status_code}"
    # The warm-up queries are not timed: they warm the process.
    fresh = queries[WARM_UP_QUERIES:]
    for label, timed_queries in (("new queries", fresh), ("asked before", fresh)):
        samples = [time_calls(partial(client.get, "/search/", {"q": q}))[0] for q in timed_queries]
        stats = percentiles(samples)
        print(
            f"search page, {label} ({len(timed_queries)} queries): "
            + ", ".join(f"{k} {v}" for k, v in stats.items())
        )
        slowest = sorted(zip(samples, timed_queries, strict=True), reverse=True)[:5]
        print("  slowest: " + "; ".join(f"{q!r} {ms:.1f} ms" for ms, q in slowest))


if __name__ == "__main__":
    main()
