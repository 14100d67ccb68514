"""What the digest shows: the top of the reader's feed (Recommendation.objects.feed_for) minus what they
have already seen on the feed page (FeedImpression) and what an earlier digest sent or may have sent
(DigestItem of a SENDING/SENT digest). A read of stored rows, never a model. New papers the reader's
alerts matched come first, marked with the alerts' names; saved papers that got a new arXiv version
since the last digest are listed apart ("updated to v2 on <date>").
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef
from django.utils import timezone

from papers.alerts.reads import AlertEntry, digest_alert_entries
from papers.models import Digest, DigestItem, Paper
from recommender.models import FeedImpression, Recommendation

# Without an earlier digest, the updates of the last week are news.
UPDATES_WITHOUT_DIGEST_DAYS = 7


def digest_recommendations(user: User, *, size: int) -> list[Recommendation]:
    """The top `size` papers of the feed the user has neither seen nor been mailed."""
    seen = FeedImpression.objects.filter(user=user, paper=OuterRef("paper"))
    mailed = DigestItem.objects.filter(
        digest__user=user,
        digest__status__in=[Digest.Status.SENDING, Digest.Status.SENT],
        paper=OuterRef("paper"),
    )
    return list(Recommendation.objects.feed_for(user).filter(~Exists(seen), ~Exists(mailed))[:size])


# A digest's entries: recommendations and alert matches both carry `paper`, `paper_id` and
# `reason_text`, which is all the message and the claim read.
DigestPaper = Recommendation | AlertEntry


def digest_papers(user: User, *, size: int) -> list[DigestPaper]:
    """The alerts' new matches first, then the top of the feed; each paper once, `size` at most."""
    alerts = digest_alert_entries(user, limit=size)
    matched = {entry.paper_id for entry in alerts}
    recommendations = [rec for rec in digest_recommendations(user, size=size) if rec.paper_id not in matched]
    papers: list[DigestPaper] = [*alerts, *recommendations]
    return papers[:size]


def updated_saved_papers(user: User, *, today: datetime.date | None = None) -> list[Paper]:
    """Saved papers arXiv posted a new version of after the day of the last digest that went out."""
    last = (
        Digest.objects.filter(user=user, status__in=[Digest.Status.SENDING, Digest.Status.SENT])
        .order_by("-claimed_at")
        .values_list("claimed_at", flat=True)
        .first()
    )
    if last is not None:
        since = timezone.localdate(last) + datetime.timedelta(days=1)
    else:
        since = (today or timezone.localdate()) - datetime.timedelta(days=UPDATES_WITHOUT_DIGEST_DAYS)
    return list(Paper.objects.saved_and_updated_since(user, since)[:50])
