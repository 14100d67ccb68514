"""A per-user linear model (the arxiv-sanity recipe) against the profile centroid, on validation splits.

    .venv/bin/python bench/per_user_model.py [--users 150] [--dataset citeulike-t ...]

For a sample of users of each validation case (``recommender.validation``: P=10 and new papers, both
datasets), the same item features -- the ranker's TF-IDF rows next to the text embeddings -- are scored
two ways: a ``LinearSVC(class_weight="balanced", C=0.1)`` fitted per user on their papers (label 1)
against every other paper (label 0), as arxiv-sanity-lite does, and the centroid of the user's papers
(cosine of each paper to the sum of theirs, a Rocchio profile without negatives). CiteULike has no
explicit negatives (nothing like "not interested"), so the SVM's negatives are the unlabelled papers,
as in arxiv-sanity. Prints recall@50 / @300 of both and the seconds per user of the SVM.
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

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.preprocessing import normalize  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from recommender.evaluate import ALL_UNSAVED, NEW_ALONE, recall_at  # noqa: E402
from recommender.features import fit_text_features  # noqa: E402
from recommender.topk import top_k_dense  # noqa: E402
from recommender.validation import CUTS, validation_cases  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data")
    parser.add_argument("--dataset", action="append", choices=["citeulike-a", "citeulike-t"])
    parser.add_argument("--users", type=int, default=150)
    args = parser.parse_args()
    for case in validation_cases(args.data_dir, args.dataset or ["citeulike-a", "citeulike-t"]):
        if case.protocol == "p1":
            continue  # one positive per user: nothing for a per-user classifier to learn from
        _, words = fit_text_features(case.papers)
        features = sp.hstack([words, sp.csr_matrix(case.embeddings)], format="csr", dtype=np.float32)
        features = normalize(features)
        rng = np.random.default_rng(0)
        users = [u for u, t in enumerate(case.split.test) if t and case.split.train[u]]
        users = sorted(rng.choice(users, size=min(args.users, len(users)), replace=False).tolist())
        others = None
        if case.split.new_items is not None:
            others = np.ones(len(case.papers), dtype=bool)
            others[case.split.new_items] = False
        ranked: dict[str, dict[str, list[np.ndarray]]] = {}
        svm_seconds = 0.0
        for user in users:
            train = case.split.train[user]
            labels = np.zeros(len(case.papers), dtype=np.int8)
            labels[train] = 1
            started = time.perf_counter()
            svm = LinearSVC(class_weight="balanced", C=0.1, tol=1e-4, max_iter=2000).fit(features, labels)
            svm_scores = svm.decision_function(features).astype(np.float32)
            svm_seconds += time.perf_counter() - started
            centroid = np.asarray(features[train].sum(axis=0)).ravel()
            centroid_scores = (features @ centroid).astype(np.float32)
            for name, scores in (("svm", svm_scores), ("centroid", centroid_scores)):
                scores = scores[None, :].copy()
                scores[0, train] = -np.inf
                ranked.setdefault(ALL_UNSAVED, {}).setdefault(name, []).append(top_k_dense(scores, 300).items)
                if others is not None:
                    scores[0, others] = -np.inf
                    ranked.setdefault(NEW_ALONE, {}).setdefault(name, []).append(
                        top_k_dense(scores, 300).items
                    )
        test = [case.split.test[u] for u in users]
        for ranking, methods in ranked.items():
            for name, lists in methods.items():
                recall = recall_at(np.concatenate(lists), test, CUTS)
                print(
                    f"{case.dataset} {case.protocol:4} {ranking:18} {name:9} "
                    f"{recall['recall@50']:.4f} {recall['recall@300']:.4f}",
                    flush=True,
                )
        print(
            f"{case.dataset} {case.protocol}: {len(users)} users, SVM {svm_seconds / len(users):.2f}s a user"
        )


if __name__ == "__main__":
    main()
