"""What the digest shows: the top of the reader's feed (Recommendation.objects.feed_for) minus what they
have already seen on the feed page (FeedImpression) and what an earlier digest sent or may have sent
(DigestItem of a SENDING/SENT digest). A read of stored rows, never a model.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef

from papers.models import Digest, DigestItem
from recommender.models import FeedImpression, Recommendation


def digest_recommendations(user: User, *, size: int) -> list[Recommendation]:
    """The top `size` papers of the feed the user has neither seen nor been mailed."""
    seen = FeedImpression.objects.filter(user=user, paper=OuterRef("paper"))
    mailed = DigestItem.objects.filter(
        digest__user=user,
        digest__status__in=[Digest.Status.SENDING, Digest.Status.SENT],
        paper=OuterRef("paper"),
    )
    return list(Recommendation.objects.feed_for(user).filter(~Exists(seen), ~Exists(mailed))[:size])
