"""`manage.py import_papers PATH [PATH ...]`: import paper files of any supported format."""

from __future__ import annotations

import datetime
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from papers.importers import ImportFileError, ImportReport, import_file
from papers.tasks import identify_papers


def _iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Import papers from Hugging Face Daily Papers pages (text captures), Daily Papers JSON, arXiv "
        "JSON lines (optionally gzipped) or arXiv API Atom feeds. The format is read from the content. "
        "Re-importing is safe: a paper already in the catalogue is updated, never duplicated. "
        "Papers known only by title are then looked up on arXiv (unless ARXIV_TITLE_LOOKUP is off)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--today",
            type=_iso_date,
            help="Reference date for page dates that have no year (default: today).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Never show a progress bar.")
        parser.add_argument(
            "--no-identify", action="store_true", help="Do not look papers without an arXiv id up on arXiv."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        total = ImportReport()
        failed_files: list[str] = []
        for path in options["paths"]:
            try:
                report = import_file(path, today=options["today"], progress=not options["no_progress"])
            except ImportFileError as error:
                # Carry on with the other files; the exit status still reports the failure.
                self.stderr.write(f"rejected {error}")
                failed_files.append(str(error))
                continue
            for rejection in report.rejections:
                self.stderr.write(f"rejected {rejection}")
            self.stdout.write(f"{path}: {report}")
            total.add(report)
        if len(options["paths"]) > 1:
            self.stdout.write(f"total: {total}")
        if (total.created or total.updated) and not options["no_identify"]:
            # A task, so with a broker a worker does it; without one (development) it runs here, and
            # stops at the first request when the machine is offline.
            identify_papers.delay()
        if failed_files:
            raise CommandError(
                f"{len(failed_files)} file(s) could not be imported: {'; '.join(failed_files)}"
            )
