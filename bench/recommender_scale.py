"""Nightly-budget check: fit on the 75k arXiv catalogue, top-200 for 10,000 synthetic users, latencies.

    .venv/bin/python bench/recommender_scale.py [--papers ../shared/data/arxiv_cs_abstracts_75k.jsonl.gz]

Synthetic users: 10,000 readers with 5-60 saves each (log-uniform), drawn from a few topical seeds
(a paper and its content neighbourhood) plus popular papers, so profiles look like real reading lists.
Prints wall time of each stage, peak RSS, artifact size, and one-user re-rank latency.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recommender.artifact_format import read_model, write_model
from recommender.features import PaperText
from recommender.interactions import build_interactions
from recommender.scoring import recommend, score_user, similar_items
from recommender.topics import derive_topics
from recommender.train import fit_recommender


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """Process CPU time: wall time on a shared 2-core machine says as much about the neighbours."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def synthetic_events(n_users: int, n_items: int, seed: int = 0) -> list[tuple[int, int, str, float]]:
    rng = np.random.default_rng(seed)
    popular = rng.permutation(n_items)[:2000]
    events = []
    kinds = ["save", "upvote", "status_read", "dismiss"]
    for user in range(n_users):
        length = int(np.exp(rng.uniform(np.log(5), np.log(60))))
        # A reader sticks to a few stretches of the catalogue (listing order groups similar days).
        seeds = rng.integers(0, n_items, size=3)
        near = (seeds[rng.integers(0, 3, size=length)] + rng.integers(-300, 300, size=length)) % n_items
        items = np.where(rng.random(length) < 0.2, rng.choice(popular, size=length), near)
        for item in np.unique(items):
            kind = kinds[int(rng.choice(4, p=[0.6, 0.25, 0.1, 0.05]))]
            events.append((user, int(item), kind, float(rng.uniform(0, 365))))
    return events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "shared/data/arxiv_cs_abstracts_75k.jsonl.gz"
    parser.add_argument("--papers", default=str(default))
    parser.add_argument("--users", type=int, default=10_000)
    args = parser.parse_args()

    with gzip.open(args.papers, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    papers = [PaperText(r["title"], r.get("summary") or "", tuple(r.get("authors") or ())) for r in rows]
    dates = np.array([np.datetime64(r["listing_date"][:10]) for r in rows])
    ages = (dates.max() - dates).astype("timedelta64[D]").astype(np.float64)
    del rows
    interactions = build_interactions(synthetic_events(args.users, len(papers)), args.users, len(papers))
    n_positives = interactions.positives.nnz
    print(f"{len(papers)} papers, {args.users} users, {n_positives} positives; peak {peak_mb():.0f} MB")

    started, cpu_started = time.perf_counter(), cpu_seconds()
    model = fit_recommender(papers, interactions.positives, item_age_days=ages)
    fitted, cpu_fitted = time.perf_counter(), cpu_seconds()
    print(
        f"fit {fitted - started:.1f}s wall, {cpu_fitted - cpu_started:.1f}s CPU "
        f"({model.item_features.nnz} feature nnz); peak {peak_mb():.0f} MB"
    )
    top = recommend(model, interactions.positives, interactions.negatives, k=200)
    ranked, cpu_ranked = time.perf_counter(), cpu_seconds()
    print(
        f"top-200 for {args.users} users {ranked - fitted:.1f}s wall, {cpu_ranked - cpu_fitted:.1f}s CPU; "
        f"fit + top-200 {ranked - started:.1f}s wall"
    )
    print(f"peak {peak_mb():.0f} MB; {(top.items >= 0).mean():.3f} of slots filled")

    latencies = []
    for user in range(0, args.users, args.users // 100):
        t = time.perf_counter()
        score_user(model, interactions.positives[user], interactions.negatives[user])
        latencies.append(time.perf_counter() - t)
    ms = np.array(latencies) * 1000
    p95 = np.percentile(ms, 95)
    print(f"one-user re-rank: median {np.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms.max():.1f} ms")

    t = time.perf_counter()
    similar_items(model, np.arange(1000), n=10)
    print(f"similar papers for 1000 papers {time.perf_counter() - t:.1f}s")
    t = time.perf_counter()
    topics = derive_topics(model)
    print(f"topics {time.perf_counter() - t:.1f}s: " + " | ".join(topic.label for topic in topics))

    with tempfile.TemporaryFile() as artifact:
        t = time.perf_counter()
        write_model(model, artifact)
        saved = time.perf_counter()
        size = artifact.tell()
        artifact.seek(0)
        restored = read_model(artifact)
    print(f"artifact {size / 1e6:.0f} MB, write {saved - t:.1f}s, read {time.perf_counter() - saved:.1f}s")
    row = sp.csr_matrix(interactions.positives[0])
    assert np.array_equal(score_user(restored, row), score_user(model, row))
    print(f"peak {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
