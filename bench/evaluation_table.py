"""The whole evaluation table: both CiteULike datasets x P=1, P=10 and new papers, shipped vs baselines.

    .venv/bin/python bench/evaluation_table.py [--data-dir ../shared/data] [--markdown]
        [--dataset citeulike-t ...] [--protocol new ...]

Runs ``evaluate_recommender``'s code (``recommender.evaluate``) for every dataset and protocol and prints
recall@50 / @300 of the shipped ranker, the plain TF-IDF profile, most-popular and random, with the
published rows (Ferrari Dacrema et al., TOIS 2021, online appendix Tables 15-18; ``shared/data/README.md``)
beside the published protocols. For the new-papers protocol it prints both rankings and the ranker's
ratio to the TF-IDF profile. About 15 minutes on two cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")  # a development run, like the bench.* modules

import django

django.setup()

from recommender.evaluate import ALL_UNSAVED, PROTOCOLS, evaluate, protocol_splits  # noqa: E402

# (recall@50, recall@300) on the exact splits; content-based rows on CiteULike-a used full abstracts.
PUBLISHED: dict[tuple[str, str], dict[str, tuple[float, float]]] = {
    ("citeulike-a", "p1"): {
        "published CDL": (0.0855, 0.1901),
        "published CVAE": (0.0768, 0.2168),
        "published ItemKNN hybrid": (0.0553, 0.0717),
    },
    ("citeulike-a", "p10"): {
        "published ItemKNN content": (0.2235, 0.4950),
        "published ItemKNN hybrid": (0.1858, 0.4642),
        "published CVAE": (0.0805, 0.3687),
    },
    ("citeulike-t", "p1"): {
        "published ItemKNN content": (0.1135, 0.2490),
        "published ItemKNN hybrid": (0.0944, 0.2243),
        "published CVAE": (0.0430, 0.1200),
    },
    ("citeulike-t", "p10"): {
        "published ItemKNN hybrid": (0.2675, 0.4740),
        "published CVAE": (0.2387, 0.4854),
        "published iALS": (0.2338, 0.4374),
    },
}
METHODS = ("ranker", "tfidf_profile", "most_popular", "random")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data")
    parser.add_argument("--dataset", action="append", choices=["citeulike-a", "citeulike-t"])
    parser.add_argument("--protocol", action="append", choices=PROTOCOLS)
    parser.add_argument("--markdown", action="store_true", help="one markdown table (the README's)")
    args = parser.parse_args()
    rows: list[tuple[str, str, str, str, float, float]] = []
    for dataset in args.dataset or ["citeulike-a", "citeulike-t"]:
        for protocol in args.protocol or list(PROTOCOLS):
            started = time.perf_counter()
            papers, splits = protocol_splits(args.data_dir / dataset, protocol)
            report = evaluate(papers, splits)
            for ranking, methods in report.recall.items():
                where = "" if ranking == ALL_UNSAVED and protocol != "new" else ranking
                for method in METHODS:
                    values = methods[method]
                    rows.append((dataset, protocol, where, method, values["recall@50"], values["recall@300"]))
                if protocol == "new":
                    ranker, plain = methods["ranker"], methods["tfidf_profile"]
                    print(
                        f"# {dataset} new, {ranking}: ranker / TF-IDF profile "
                        f"{ranker['recall@50'] / plain['recall@50']:.2f}x @50, "
                        f"{ranker['recall@300'] / plain['recall@300']:.2f}x @300",
                        flush=True,
                    )
            for name, (at50, at300) in PUBLISHED.get((dataset, protocol), {}).items():
                rows.append((dataset, protocol, "", name, at50, at300))
            print(f"# {dataset} {protocol}: {time.perf_counter() - started:.0f}s", flush=True)
    if args.markdown:
        print("| dataset | protocol | method | recall@50 | recall@300 |")
        print("|---|---|---|---|---|")
        for dataset, protocol, where, method, at50, at300 in rows:
            label = {"p1": "P=1", "p10": "P=10", "new": "new papers"}[protocol]
            label += f", {where}" if where else ""
            print(f"| {dataset} | {label} | {method} | {at50:.4f} | {at300:.4f} |")
        return
    for dataset, protocol, where, method, at50, at300 in rows:
        print(f"{dataset:12} {protocol:4} {where:18} {method:26} {at50:.4f} {at300:.4f}")


if __name__ == "__main__":
    main()
