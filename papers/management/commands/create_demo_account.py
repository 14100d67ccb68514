from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from papers.lists.operations import default_reading_list, reading_list_add
from papers.lists.votes import paper_upvote
from papers.models import Paper, ReadingListItem

# A few saves so the demo's feed is personal from the first visit; only papers the catalogue has.
DEMO_INTERESTS = ("spiking neural", "neurosymbolic", "neuro-symbolic")
SAVES_PER_INTEREST = 3


class Command(BaseCommand):
    help = (
        "Create (or reset the password of) the demo account used by `make run`, print its credentials, "
        "and give a new demo account a few saved papers so its feed is personal."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--username", default="demo")
        parser.add_argument("--password", default="papershelf-demo")

    def handle(self, *args: Any, username: str, password: str, **options: Any) -> None:
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        # Reset the password every time so the printed credentials are always the ones that work.
        user.set_password(password)
        user.save(update_fields=["password"])
        if not ReadingListItem.objects.filter(reading_list__owner=user).exists():
            with transaction.atomic():
                reading_list = default_reading_list(user)
                for term in DEMO_INTERESTS:
                    matching = Paper.objects.filter(title__icontains=term).order_by("id")
                    for paper in matching[:SAVES_PER_INTEREST]:
                        reading_list_add(reading_list=reading_list, paper=paper)
                        paper_upvote(user=user, paper=paper)
        saved = ReadingListItem.objects.filter(reading_list__owner=user).count()
        verb = "Created" if created else "Reset"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} demo account: username {username!r}, password {password!r} ({saved} saved papers)"
            )
        )
