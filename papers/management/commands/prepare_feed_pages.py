"""`manage.py prepare_feed_pages`: render readers' first feed pages ahead, now, in this process (the
nightly run queues the same work for the Celery workers after it switches models)."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from papers import feed_pages


class Command(BaseCommand):
    help = (
        "Render and keep the first feed page of every reader active within FEED_PAGES_ACTIVE_DAYS (or of "
        "--user only), as the nightly run has the workers do. Needs the shared cache on (Redis)."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # `@FILE` reads arguments from FILE, one per line: many readers' `--user NAME` at once.
        return super().create_parser(prog_name, subcommand, fromfile_prefix_chars="@", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--user", metavar="USERNAME", action="append", help="Only this reader (repeatable)."
        )

    def handle(self, *args: Any, user: list[str] | None, **options: Any) -> None:
        if not feed_pages.enabled():
            raise CommandError("prepared feed pages are off: they need the shared cache on Redis (CACHE_URL)")
        if user:
            found = dict(User.objects.filter(username__in=user).values_list("username", "pk"))
            if missing := sorted(set(user) - set(found)):
                raise CommandError(f"no such user: {', '.join(missing)}")
            ids = list(found.values())
        else:
            ids = feed_pages.active_readers()
        started = time.perf_counter()
        prepared = feed_pages.prepare_for(ids).pages
        seconds = time.perf_counter() - started
        each = seconds * 1000 / max(len(ids), 1)
        self.stdout.write(
            self.style.SUCCESS(
                f"prepared {prepared} feed pages for {len(ids)} readers "
                f"in {seconds:.1f} s ({each:.1f} ms each)"
            )
        )
