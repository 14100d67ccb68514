"""`manage.py embed_papers`: store the text embedding of every paper that has none (imports do it for the
papers they write; this fills in papers imported before embeddings existed, or after a change of width)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from papers.catalogue.embeddings import embed_missing


class Command(BaseCommand):
    help = (
        "Embed the title and abstract of every paper without a current embedding, in batches; "
        "papers that have one are left alone, so it is safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        stored = embed_missing()
        self.stdout.write(
            self.style.SUCCESS(f"embedded {stored} papers in {time.perf_counter() - started:.1f} s")
        )
