"""Search by meaning over the 75k arXiv papers: import them (embeddings included), then time searches.

    .venv/bin/python -m bench.semantic_search [--database-url URL] [--keep] [--queries N]

Goal (issue 22, 2-core machine): search by meaning p95 at most 50 ms over 75k papers. Imports the 75k
file into a fresh PostgreSQL database through the real importer, which embeds every paper (the import's
time is printed), then, in one warm process as a web worker runs it: the first load of the embedding
matrix from the database, and for a fixed set of queries (bench.catalogue's) the whole search function
(the version check, embedding the query, the product with every paper, the top 300) over the catalogue
and within one reader's 300 saved papers, then the whole /search/?mode=meaning page for a visitor.
Prints p50/p95 milliseconds.
"""

from __future__ import annotations

import random
import time
from functools import partial

from bench.catalogue import sample_queries
from bench.setup_db import (
    ARXIV_75K,
    IN_PROCESS_CACHE_URL,
    SERVER_ENV,
    arguments,
    percentiles,
    setup_as_server,
    time_calls,
    timed,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/papershelf_bench_semantic"
SAVED_PAPERS = 300


def main() -> None:
    parser = arguments(__doc__)
    parser.set_defaults(database_url=DEFAULT_URL)
    parser.add_argument("--keep", action="store_true", help="reuse the database (skip the import)")
    parser.add_argument("--queries", type=int, default=280)
    parser.add_argument("--cache-url", default=IN_PROCESS_CACHE_URL)
    parser.add_argument("--broker-url", default=SERVER_ENV["CELERY_BROKER_URL"])
    args = parser.parse_args()
    SERVER_ENV["CELERY_BROKER_URL"] = args.broker_url
    setup_as_server(args.database_url, cache_url=args.cache_url, fresh=not args.keep)
    from django.test import Client

    from papers.catalogue import semantic_search
    from papers.importers import import_file
    from papers.models import PaperEmbedding
    from recommender.embeddings import embed_texts

    results: dict[str, float] = {}
    if not args.keep:
        with timed("import 75k with embeddings (fresh database)", results):
            report = import_file(ARXIV_75K)
        print(f"  {report}")
    print(f"papers with an embedding: {PaperEmbedding.objects.count()}")

    with timed("load the embedding model", results):
        embed_texts(["warm up"])
    with timed("first load of the embedding matrix", results):
        matrix = semantic_search.catalogue_matrix()
    print(f"  matrix {matrix.vectors.shape}, {matrix.vectors.nbytes / 2**20:.0f} MiB")

    queries = sample_queries(args.queries)
    saved = random.Random(3).sample(list(matrix.paper_ids), SAVED_PAPERS)
    for label, search in (
        ("catalogue", semantic_search.search_by_meaning),
        (f"within {SAVED_PAPERS} saved papers", partial(semantic_search.search_by_meaning, among=saved)),
    ):
        for query in queries[:10]:  # warm, as a running server is
            search(query)
        samples = [time_calls(partial(search, query))[0] for query in queries]
        stats = percentiles(samples)
        print(
            f"search by meaning, {label} ({len(queries)} queries): "
            + ", ".join(f"{k} {v}" for k, v in stats.items())
        )

    # The whole page as a visitor gets it: options, ranking, the page's papers, template and cards.
    client = Client(HTTP_HOST="127.0.0.1")
    for query in queries[:10]:
        assert client.get("/search/", {"q": query, "mode": "meaning"}).status_code == 200
    samples = [time_calls(partial(client.get, "/search/", {"q": q, "mode": "meaning"}))[0] for q in queries]
    stats = percentiles(samples)
    print(
        f"search page by meaning ({len(queries)} queries): " + ", ".join(f"{k} {v}" for k, v in stats.items())
    )

    started = time.perf_counter()
    embed_texts(queries)
    print(f"embedding the queries alone: {(time.perf_counter() - started) * 1000 / len(queries):.2f} ms each")


if __name__ == "__main__":
    main()
