"""Do embeddings help "similar papers" and onboarding's "papers like these"? Measured on CiteULike.

    .venv/bin/python -m bench.similar_papers_blend [--queries 2000]

For each dataset (citeulike-a, citeulike-t) the papers get the recommender's TF-IDF rows
(recommender.features, default settings) and their embeddings (recommender.embeddings). A paper's
neighbours are ranked by (1 - a) * TF-IDF similarity + a * embedding similarity, each scaled so the best
other paper scores 1 (as rank.similar_items scales its rows), for a in 0, .25, .5, .75, 1:
- similar papers: of a paper's 10 nearest, the share that a reader who saved it also saved (co-save
  precision@10), over papers with at least 3 readers;
- papers like these: a reader's one training paper (the P=1 split) as the only seed, recall@50 of their
  test papers (the published protocol's denominator) — what onboarding with one pasted paper gives.
The weight is chosen on one half of the queries (validation) and reported on the other half (test).
Embeddings are cached in var/ by dataset and width.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PAPERSHELF_SHARED", ROOT.parent / "shared"))
WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
TOP_SIMILAR = 10
TOP_SEED = 50


def setup() -> None:
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def scaled(scores: np.ndarray, own: np.ndarray) -> np.ndarray:
    """Rows divided by their best entry other than the query paper itself, which is set to -inf."""
    scores = scores.astype(np.float32, copy=True)
    rows = np.arange(len(own))
    scores[rows, own] = -np.inf
    best = scores.max(axis=1, keepdims=True)
    return scores / np.where(best > 0, best, 1.0)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args()
    setup()
    from django.conf import settings

    from recommender.citeulike import load_citeulike, read_user_lines
    from recommender.embeddings import embed_texts, paper_text
    from recommender.features import fit_text_features

    rng = np.random.default_rng(0)
    for name in ("citeulike-a", "citeulike-t"):
        directory = SHARED / "data" / name
        split = load_citeulike(directory, 1)
        papers = split.papers
        n = len(papers)
        _features, tfidf = fit_text_features(papers)
        cache = ROOT / "var" / f"bench-embeddings-{name}-{settings.EMBEDDING_DIMENSIONS}.npy"
        if cache.exists():
            vectors = np.load(cache)
        else:
            started = time.perf_counter()
            vectors = embed_texts([paper_text(p.title, p.abstract) for p in papers])
            print(f"{name}: embedded {n} papers in {time.perf_counter() - started:.1f} s")
            cache.parent.mkdir(exist_ok=True)
            np.save(cache, vectors)
        tfidf_t = tfidf.T.tocsr()

        users = read_user_lines(directory / "users.dat", n)
        readers: list[list[int]] = [[] for _ in range(n)]
        for user, items in enumerate(users):
            for item in items:
                readers[item].append(user)
        popular = np.flatnonzero(np.array([len(r) for r in readers]) >= 3)
        queries = rng.choice(popular, size=min(args.queries, len(popular)), replace=False)
        content = (tfidf[queries] @ tfidf_t).toarray()
        meaning = vectors[queries] @ vectors.T
        content, meaning = scaled(content, queries), scaled(meaning, queries)
        co_saved = [set().union(*(users[u] for u in readers[q])) - {int(q)} for q in queries]

        seeded = [
            u for u, (train, test) in enumerate(zip(split.train, split.test, strict=True)) if train and test
        ]
        seeded = list(rng.choice(seeded, size=min(args.queries, len(seeded)), replace=False))
        seeds = np.array([split.train[u][0] for u in seeded])
        seed_content = scaled((tfidf[seeds] @ tfidf_t).toarray(), seeds)
        seed_meaning = scaled(vectors[seeds] @ vectors.T, seeds)

        half = len(queries) // 2
        half_seeded = len(seeded) // 2
        print(f"\n{name}: {n} papers; {len(queries)} query papers, {len(seeded)} one-seed readers")
        print(" a (embedding weight) | similar p@10 val  test | one seed recall@50 val  test")
        for weight in WEIGHTS:
            blend = (1 - weight) * content + weight * meaning
            top = np.argpartition(-blend, TOP_SIMILAR, axis=1)[:, :TOP_SIMILAR]
            hits = np.array(
                [len(set(row.tolist()) & co) / TOP_SIMILAR for row, co in zip(top, co_saved, strict=True)]
            )
            seed_blend = (1 - weight) * seed_content + weight * seed_meaning
            top_seed = np.argpartition(-seed_blend, TOP_SEED, axis=1)[:, :TOP_SEED]
            recall = np.array(
                [
                    len(set(row.tolist()) & set(split.test[u])) / len(split.test[u])
                    for row, u in zip(top_seed, seeded, strict=True)
                ]
            )
            print(
                f" {weight:<20} | {hits[:half].mean():.4f}  {hits[half:].mean():.4f}"
                f" | {recall[:half_seeded].mean():.4f}  {recall[half_seeded:].mean():.4f}"
            )


if __name__ == "__main__":
    main()
