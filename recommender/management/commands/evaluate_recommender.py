"""Offline recall@M of the shipped recommender on CiteULike-a or -t, beside the baselines.

manage.py evaluate_recommender --dataset citeulike-t --protocol new [--data-dir ../shared/data] [--json]

``--dataset`` is a name under ``--data-dir`` or a path to a directory with items.jsonl, users.dat and
splits_cvae/. ``--protocol p1`` / ``p10`` are the published splits; ``new`` holds out a tenth of the
papers entirely (three seeds, averaged) and prints two tables: the held-out papers ranked among all the
papers each user has not saved, and among the held-out papers alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommender.evaluate import NEW_PAPERS_SEEDS, PROTOCOLS, EvaluationReport, evaluate, protocol_splits

DEFAULT_DATA_DIR = Path(settings.BASE_DIR).parent / "shared" / "data"


class Command(BaseCommand):
    help = "Fit the recommender on a protocol's training side and print recall@50..300 beside baselines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dataset", required=True, help="citeulike-a, citeulike-t, or a directory holding items.jsonl"
        )
        parser.add_argument("--protocol", required=True, choices=PROTOCOLS)
        parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
        parser.add_argument(
            "--seeds", type=int, nargs="+", default=list(NEW_PAPERS_SEEDS), help="new-papers splits to draw"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object and nothing else")

    def handle(self, *args: Any, **options: Any) -> None:
        dataset = Path(options["dataset"])
        if not dataset.is_dir():
            dataset = Path(options["data_dir"]) / options["dataset"]
        if not (dataset / "items.jsonl").is_file():
            raise CommandError(f"{dataset} has no items.jsonl")
        # Failures go to stderr as CommandError, so --json stdout is only ever one JSON object.
        try:
            papers, splits = protocol_splits(dataset, options["protocol"], seeds=options["seeds"])
            report = evaluate(papers, splits)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json()))
            return
        self.stdout.write(report_table(report))


def report_table(report: EvaluationReport) -> str:
    lines = []
    for ranking, methods in report.recall.items():
        cutoffs = list(next(iter(methods.values())))
        lines.append(f"{ranking}:")
        lines.append(f"{'method':<14}" + "".join(f"{c:>12}" for c in cutoffs))
        lines += [
            f"{name:<14}" + "".join(f"{values[c]:>12.4f}" for c in cutoffs)
            for name, values in methods.items()
        ]
    seconds = ", ".join(f"{k} {v:.1f}s" for k, v in report.seconds.items())
    lines.append(f"{report.evaluated_users} users with test items, {report.splits} split(s); {seconds}")
    return "\n".join(lines)
