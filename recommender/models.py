from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class ModelVersionQuerySet(models.QuerySet["ModelVersion"]):
    def current(self) -> ModelVersion | None:
        return self.filter(is_current=True).first()


class ModelVersion(models.Model):
    """One nightly training run: its artifact, sizes, timings and metrics.

    Exactly one READY version is current. A run writes everything for its version first and then flips
    `is_current` in one transaction, so readers never see half a model; a run that dies stays TRAINING
    (or FAILED) and never becomes current.
    """

    class Status(models.TextChoices):
        TRAINING = "training", "Training"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        RETIRED = "retired", "Retired"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TRAINING)
    is_current = models.BooleanField(default=False)
    started_at = models.DateTimeField(auto_now_add=True)
    trained_at = models.DateTimeField(null=True, blank=True)
    # Name of the artifact in the default storage (shared by every web and worker process).
    artifact = models.CharField(max_length=255, blank=True)
    artifact_bytes = models.PositiveBigIntegerField(default=0)
    n_papers = models.PositiveIntegerField(default=0)
    n_users = models.PositiveIntegerField(default=0)
    n_interactions = models.PositiveIntegerField(default=0)
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds per phase.")
    metrics = models.JSONField(default=dict, blank=True)
    # Onboarding topics derived from the catalogue at training time: [{"label", "terms", "paper_ids"}].
    topics = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    objects = ModelVersionQuerySet.as_manager()

    # Runs whose rows readers may use: the current one and finished ones kept for their similar-papers
    # lists (never a run still training or one that failed).
    SERVED = (Status.READY, Status.RETIRED)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=models.Q(is_current=True), name="one_current_model_version"
            ),
        ]

    def __str__(self) -> str:
        return f"model v{self.pk} ({self.status})"


class RecommendationQuerySet(models.QuerySet["Recommendation"]):
    def feed_for(self, user: Any) -> RecommendationQuerySet:
        """The reader's feed: their rows of the current model, best first, without the papers they
        marked "not interested" or keep on a list (the re-rank drops those too, but the read must be
        right in the seconds before it has run). Paper and reason paper come in the same query.

        The one definition of "this reader's recommendations": the feed page, the digest and the
        private Atom feed all read it.
        """
        from papers.models import Dismissal, ReadingListItem

        dismissed = Dismissal.objects.filter(user=user, paper=models.OuterRef("paper"))
        on_a_list = ReadingListItem.objects.filter(reading_list__owner=user, paper=models.OuterRef("paper"))
        return (
            self.filter(user=user, version__is_current=True)
            .filter(~models.Exists(dismissed), ~models.Exists(on_a_list))
            .select_related("paper", "reason_paper")
            # Cards never show the search vector; a reason shows only its paper's title and address.
            .defer("paper__search_vector", "reason_paper__search_vector", "reason_paper__abstract")
            .order_by("rank", "pk")
        )


class Recommendation(models.Model):
    """A user's precomputed ranking for one model version, with the reason shown on the card."""

    class Reason(models.TextChoices):
        SIMILAR = "similar", "Close to a paper you saved"
        TERMS = "terms", "Shares terms with your interests"
        COLLABORATIVE = "collaborative", "Saved by readers who also saved"
        POPULAR = "popular", "Popular now"
        NEW = "new", "New this week"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recommendations"
    )
    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="recommendations")
    rank = models.PositiveIntegerField()
    score = models.FloatField()
    reason = models.CharField(max_length=16, choices=Reason.choices)
    reason_paper = models.ForeignKey(
        "papers.Paper", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason_terms = models.JSONField(default=list, blank=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "user", "paper"], name="one_recommendation_per_paper"),
        ]
        indexes = [models.Index(fields=["user", "version", "rank"], name="rec_user_version_rank")]

    def __str__(self) -> str:
        return f"#{self.rank} for user {self.user_id}: paper {self.paper_id}"

    @property
    def reason_text(self) -> str:
        """The reason in words a researcher understands (needs `reason_paper` loaded: select_related)."""
        from recommender.reason_text import reason_text

        return reason_text(
            self.reason, self.reason_paper.title if self.reason_paper else "", self.reason_terms
        )


class SimilarPaper(models.Model):
    """Precomputed neighbours shown on a paper's page.

    Each paper's list comes from the run that last refreshed it (a run refreshes new papers and the
    oldest lists, see `nightly.refresh_similar_papers`), so `version` is "computed by", and a paper has
    one version's rows once that run is done.
    """

    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="+")
    similar = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="similar_papers")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["paper", "version", "rank"], name="similar_paper_version_rank")]

    def __str__(self) -> str:
        return f"{self.similar_id} similar to {self.paper_id}"


class RerankRequest(models.Model):
    """Durable outbox: a user whose signals changed and who awaits a re-rank.

    Written in the same transaction as the upvote or save, so a broker outage loses nothing; the task
    deletes the row when done and a periodic drain re-enqueues whatever is left.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"re-rank user {self.user_id}"


class FeedImpression(models.Model):
    """A paper the user has been shown in their feed; the digest never mails it again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "paper"], name="one_impression_per_paper")]

    def __str__(self) -> str:
        return f"user {self.user_id} saw paper {self.paper_id}"
