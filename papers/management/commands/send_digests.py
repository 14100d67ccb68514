"""Operators' view of the email digest: what is due now, what each digest would hold, and sending it."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from papers.digest import sending
from papers.digest.schedule import DueDigest, current_period_key, due_digests
from papers.models import DigestSubscription


class Command(BaseCommand):
    help = (
        "Send the email digests due at this hour (what the hourly task does), or only --user's whatever "
        "their hour. --dry-run prints what would be sent and sends nothing. A digest already sent for "
        "its period is never sent again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; send nothing.")
        parser.add_argument("--user", metavar="USERNAME", help="Only this user, at any hour.")

    def handle(self, *args: Any, dry_run: bool, user: str | None, **options: Any) -> None:
        now = timezone.now()
        due = [self._due_for(user, now, dry_run=dry_run)] if user else due_digests(now)
        if not due:
            self.stdout.write(f"No digest is due at {now:%Y-%m-%d %H:%M} UTC.")
            return
        subscriptions = DigestSubscription.objects.select_related("user").in_bulk(
            [digest.user_id for digest in due], field_name="user_id"
        )
        failures = 0
        for digest in due:
            subscription = subscriptions.get(digest.user_id) or DigestSubscription(user_id=digest.user_id)
            if dry_run:
                self._preview(subscription, digest.period_key)
            elif not self._send(subscription, digest.period_key):
                failures += 1
        if failures:
            raise CommandError(f"{failures} digest(s) could not be sent; see above.")

    def _due_for(self, username: str, now: datetime.datetime, *, dry_run: bool) -> DueDigest:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user is called {username!r}.") from None
        subscription = DigestSubscription.objects.filter(user=user).first()
        if subscription is None or not subscription.enabled:
            if not dry_run:
                raise CommandError(f"{username} has not turned the digest on; nothing was sent.")
            subscription = subscription or DigestSubscription(user=user)
        return DueDigest(user.pk, current_period_key(subscription, now))

    def _preview(self, subscription: DigestSubscription, period_key: str) -> None:
        user = subscription.user
        who = f"{user.get_username()} <{user.email}> {period_key}"
        if not subscription.enabled:
            who += " (digest is off: a real run sends nothing)"
        preview = sending.preview_digest(subscription=subscription, period_key=period_key)
        if preview.claimed is not None:
            when = preview.claimed.sent_at or preview.claimed.claimed_at
            self.stdout.write(
                f"{who}: already {preview.claimed.status} at {when:%Y-%m-%d %H:%M} UTC, no email"
            )
            return
        if preview.outcome is not sending.Outcome.SENT:
            self.stdout.write(f"{who}: {preview.outcome}, no email")
            return
        count = len(preview.recommendations)
        self.stdout.write(f"{who}: would send {count} paper{'s' if count != 1 else ''}")
        for rank, rec in enumerate(preview.recommendations, start=1):
            self.stdout.write(f"  {rank:>2}. {rec.paper.title}")
            self.stdout.write(f"      {rec.reason_text}")
            self.stdout.write(f"      {sending.absolute_url(rec.paper.get_absolute_url())}")

    def _send(self, subscription: DigestSubscription, period_key: str) -> bool:
        name = subscription.user.get_username()
        try:
            outcome = sending.send_digest(user_id=subscription.user_id, period_key=period_key)
        except sending.DigestSendFailed as error:
            # One refused address does not stop the others.
            self.stderr.write(f"{name} {period_key}: not sent: {error}")
            return False
        self.stdout.write(f"{name} {period_key}: {outcome}")
        return True
