"""Offline recall@M of the shipped recommender on a CiteULike-a style dataset.

manage.py evaluate_recommender --dataset ../shared/data/citeulike-a --train-per-user 10 [--json]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommender.evaluate import EvaluationReport, evaluate_dataset


class Command(BaseCommand):
    help = "Fit the recommender on a train split and print recall@50..300 (plus random / most-popular)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dataset", required=True, type=Path, help="holds items.jsonl and splits_cvae/")
        parser.add_argument("--train-per-user", required=True, type=int, choices=[1, 10])
        parser.add_argument("--json", action="store_true", help="print one JSON object and nothing else")

    def handle(self, *args: Any, **options: Any) -> None:
        dataset = Path(options["dataset"])
        if not (dataset / "items.jsonl").is_file():
            raise CommandError(f"{dataset} has no items.jsonl")
        # Failures go to stderr as CommandError, so --json stdout is only ever one JSON object.
        try:
            report = evaluate_dataset(dataset, options["train_per_user"])
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json()))
            return
        self.stdout.write(_table(report))


def _table(report: EvaluationReport) -> str:
    cutoffs = list(report.ranker)
    header = f"{'method':<14}" + "".join(f"{c:>12}" for c in cutoffs)
    rows = [("ranker", report.ranker), *report.baselines.items()]
    lines = [header]
    lines += [f"{name:<14}" + "".join(f"{values[c]:>12.4f}" for c in cutoffs) for name, values in rows]
    seconds = ", ".join(f"{k} {v:.1f}s" for k, v in report.seconds.items())
    lines.append(f"{report.evaluated_users} users with test items; {seconds}")
    return "\n".join(lines)
