"""What the digest and the personalized Atom feed show: reads of stored Recommendation rows, never a model.

The personalized feed is the user's recommendations from the current model version in rank order, minus
papers they marked "not interested" (the rule of PaperQuerySet.visible_to) and papers already on one of
their lists. The digest is the top of that feed minus what they have already seen in the feed page
(FeedImpression) and what an earlier digest sent or may have sent (DigestItem of a SENDING/SENT digest).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, QuerySet

from papers.models import Digest, DigestItem, Dismissal, ReadingListItem
from recommender.models import FeedImpression, Recommendation


def personalized_feed(user: User) -> QuerySet[Recommendation]:
    """The user's feed, best first, with paper and reason paper loaded: one query when evaluated."""
    dismissed = Dismissal.objects.filter(user=user, paper=OuterRef("paper"))
    on_a_list = ReadingListItem.objects.filter(reading_list__owner=user, paper=OuterRef("paper"))
    return (
        Recommendation.objects.filter(user=user, version__is_current=True)
        .filter(~Exists(dismissed), ~Exists(on_a_list))
        .select_related("paper", "reason_paper", "version")
        .defer("paper__search_vector", "reason_paper__search_vector", "reason_paper__abstract")
        .order_by("rank")
    )


def digest_recommendations(user: User, *, size: int) -> list[Recommendation]:
    """The top `size` papers of the feed the user has neither seen nor been mailed."""
    seen = FeedImpression.objects.filter(user=user, paper=OuterRef("paper"))
    mailed = DigestItem.objects.filter(
        digest__user=user,
        digest__status__in=[Digest.Status.SENDING, Digest.Status.SENT],
        paper=OuterRef("paper"),
    )
    return list(personalized_feed(user).filter(~Exists(seen), ~Exists(mailed))[:size])
