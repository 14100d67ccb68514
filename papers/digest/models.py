"""Digest subscriptions, and the record of every digest sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models

# --- Email digest (issue 5) ------------------------------------------------------------------------------
# Opt-in settings, and the record of every digest sent. papers/digest/ holds the logic; the Digest row is
# the claim that makes sending at most once per (user, period): see papers/digest/sending.py.


class DigestSubscription(models.Model):
    """A user's email digest settings; no row, or `enabled` off, means no email."""

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    SIZE_MIN = 5
    SIZE_MAX = 50

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_subscription"
    )
    enabled = models.BooleanField(default=False)
    frequency = models.CharField(max_length=6, choices=Frequency.choices, default=Frequency.DAILY)
    # Wall-clock hour (0-23) and weekday (Monday is 0; weekly only) in the user's own time zone.
    hour = models.PositiveSmallIntegerField(default=8)
    weekday = models.PositiveSmallIntegerField(default=0)
    time_zone = models.CharField(max_length=64, default="UTC")
    size = models.PositiveSmallIntegerField(default=10, help_text="Papers per email.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(hour__lte=23), name="digest_hour_0_to_23"),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="digest_weekday_0_to_6"),
            models.CheckConstraint(condition=models.Q(size__gte=5, size__lte=50), name="digest_size_5_to_50"),
        ]
        # The hourly run asks "who is due at this hour in this zone" of subscribers only.
        indexes = [
            models.Index(
                fields=["time_zone", "hour"], condition=models.Q(enabled=True), name="digest_due_subscribers"
            )
        ]

    def __str__(self) -> str:
        return f"digest settings of {self.user_id}"


class Digest(models.Model):
    """One digest email of one user for one period ("day:2024-01-10" or "week:2024-W02")."""

    class Status(models.TextChoices):
        # Claimed by a worker that has not handed the message over yet (it may be connecting to the mail
        # server, or have died doing so): nothing is out, so any later run of the task may take it over.
        CLAIMED = "claimed", "Claimed"
        # Being handed to the mail server, or the worker died while doing so: the message may be out, so
        # it is never sent again (papers/digest/sending.py).
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        # The email backend raised: the message was not accepted, so a retry may claim it again.
        FAILED = "failed", "Failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    period_key = models.CharField(max_length=20)
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.CLAIMED)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "period_key"], name="one_digest_per_period")]

    def __str__(self) -> str:
        return f"digest {self.period_key} for {self.user_id} ({self.status})"


class DigestItem(models.Model):
    """A paper in a digest; papers of sent (or possibly sent) digests are never mailed again."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="items")
    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rank"]
        constraints = [models.UniqueConstraint(fields=["digest", "paper"], name="one_digest_item_per_paper")]
        indexes = [models.Index(fields=["paper", "digest"], name="digest_item_paper")]

    def __str__(self) -> str:
        return f"{self.paper_id} in digest {self.digest_id}"
