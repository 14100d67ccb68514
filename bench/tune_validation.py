"""The validation grid behind the ranker's defaults: both datasets, P=1, P=10 and new papers.

    .venv/bin/python bench/tune_validation.py [--dataset citeulike-t ...] [--protocol new ...]
        [--embedding 0.25 0.5] [--cf 0.5 1] [--borrowed 0 0.5 1] [--popularity-alone 0.3] [--users 1200]

Carves the validation splits of ``recommender.validation`` (from training data only; no test paper or
test save is read), scores every grid point on a sample of each case's users, and prints recall@50 /
@300 beside the plain TF-IDF profile's, then the points by the objective the defaults were chosen by
(the worst ratio to the TF-IDF profile over cases, rankings and both cut-offs, then the next worst).
``--cf`` multiplies the shipped co-save weights of every history bucket.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")  # a development run, like the bench.* modules

import django

django.setup()

from recommender.validation import DATASETS, GridPoint, grid_recall, objective, validation_cases  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data")
    parser.add_argument("--dataset", action="append", choices=DATASETS)
    parser.add_argument("--protocol", action="append", choices=["p1", "p10", "new"])
    parser.add_argument("--embedding", type=float, nargs="+", default=[0.0, 0.25, 0.5])
    parser.add_argument("--cf", type=float, nargs="+", default=[0.5, 1.0])
    parser.add_argument("--borrowed", type=float, nargs="+", default=[0.0, 0.5, 1.0])
    parser.add_argument("--popularity-alone", type=float, nargs="+", default=[0.3])
    parser.add_argument("--users", type=int, default=1200, help="users sampled per case")
    args = parser.parse_args()
    grid = [
        GridPoint(e, c, p, b)
        for e, c, p, b in itertools.product(args.embedding, args.cf, args.popularity_alone, args.borrowed)
    ]
    results = []
    for case in validation_cases(args.data_dir, args.dataset or DATASETS):
        if args.protocol and case.protocol not in args.protocol:
            continue
        started = time.perf_counter()
        result = grid_recall(case, grid, max_users=args.users)
        results.append(result)
        print(f"{case.dataset} {case.protocol}: {time.perf_counter() - started:.0f}s", flush=True)
        for ranking, by_point in result.items():
            plain = by_point["tfidf_profile"]
            print(f"  {ranking:18} tfidf_profile {plain['recall@50']:.4f} {plain['recall@300']:.4f}")
            for point in grid:
                r = by_point[point]
                at50, at300 = r["recall@50"], r["recall@300"]
                ratios = f"x{at50 / plain['recall@50']:.2f} x{at300 / plain['recall@300']:.2f}"
                print(f"  {ranking:18} {_label(point)} {at50:.4f} {at300:.4f}  {ratios}", flush=True)
    print("ratios to the TF-IDF profile, worst first; points by the worst, then the next worst (best first):")
    for point in sorted(grid, key=lambda p: objective(results, p), reverse=True):
        worst_first = objective(results, point)
        print(
            f"  {_label(point)} "
            + " ".join(f"{r:.3f}" for r in worst_first[:4])
            + f" ... mean {np.mean(worst_first):.3f}"
        )


def _label(point: GridPoint) -> str:
    return (
        f"embedding={point.embedding_weight} cf=x{point.cf_scale} "
        f"pop_alone={point.popularity_weight_alone} borrowed={point.borrowed_co_save_weight}"
    )


if __name__ == "__main__":
    main()
