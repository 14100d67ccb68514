"""Re-run the blend-weight search of ``recommender.tuning`` on CiteULike-a's P=10 training data.

    .venv/bin/python bench/tune_citeulike.py [--dataset ../shared/data/citeulike-a] [--set key=value ...]
        [--gap 0.05] [--history 7 ...]

Prints every grid point and the best (w_cf, w_pop) per history length (the no-co-saves row comes from the
one-save split); ``--set`` overrides a structural setting (e.g. ``--set cf_beta=0.7`` or
``--set features.max_df=0.1``) to compare variants on validation; ``--history 7`` scores one history
length only, which is enough to compare structural variants in about half a minute.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recommender.citeulike import load_citeulike
from recommender.train import DEFAULT_SETTINGS, RecommenderSettings
from recommender.tuning import HISTORY_LENGTHS, VALIDATION_GAP, best_per_history, tune_blend


def with_overrides(settings: RecommenderSettings, overrides: list[str]) -> RecommenderSettings:
    for override in overrides:
        key, _, raw = override.partition("=")
        kind = type(
            getattr(settings.features if key.startswith("features.") else settings, key.split(".")[-1])
        )
        value: Any = (raw == "True") if kind is bool else kind(raw)
        if key.startswith("features."):
            settings = replace(settings, features=replace(settings.features, **{key.split(".")[1]: value}))
        else:
            settings = replace(settings, **{key: value})
    return settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dataset", default=str(Path(__file__).resolve().parents[2] / "shared/data/citeulike-a")
    )
    parser.add_argument("--set", action="append", default=[], dest="overrides")
    parser.add_argument(
        "--gap", type=float, default=VALIDATION_GAP, help="validation gap, catalogue fraction"
    )
    parser.add_argument(
        "--history", type=int, action="append", help="history lengths to score (default: 1, 3 and 7)"
    )
    args = parser.parse_args()
    settings = with_overrides(DEFAULT_SETTINGS, args.overrides)
    split = load_citeulike(args.dataset, 10)
    started = time.perf_counter()
    points = tune_blend(
        split.papers,
        split.train,
        settings=settings,
        gap=args.gap,
        history_lengths=args.history or HISTORY_LENGTHS,
    )
    for p in points:
        recall = " ".join(f"{v:.4f}" for v in p.recall.values())
        weights = f"w_cf={p.cf_weight:<5} w_pop={p.popularity_weight:<5}"
        print(f"h={p.history} co_saves={p.co_saves!s:<5} {weights} {recall}  mean={p.objective:.4f}")
    print("best:")
    for (length, co_saves), p in best_per_history(points).items():
        recall = " ".join(f"{v:.4f}" for v in p.recall.values())
        weights = f"w_cf={p.cf_weight} w_pop={p.popularity_weight}"
        print(f"h={length} co_saves={co_saves} {weights} {recall} mean={p.objective:.4f}")
    print(f"{time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
