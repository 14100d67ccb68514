"""`manage.py train_recommender`: the nightly training run, now (beat runs the same code at 03:00 UTC)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from recommender.nightly import TrainingAlreadyRunning, train_and_publish


class Command(BaseCommand):
    help = (
        "Fit the recommender on the catalogue and everyone's signals, precompute every active user's "
        "ranking and the similar papers, and switch to the new version."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            version = train_and_publish()
        except TrainingAlreadyRunning as error:
            raise CommandError(str(error)) from None
        timings = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in version.timings.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"model v{version.pk} is current: {version.n_papers} papers, {version.n_users} users, "
                f"{version.metrics.get('recommendations', 0)} recommendations ({timings})"
            )
        )
