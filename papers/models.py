"""Every model of the papers app, re-exported from the capability that owns it.

The models live in `<capability>/models.py`; importing them here keeps them registered under the
`papers` app label, so migrations and `papers.<Model>` references are unchanged.
"""

from __future__ import annotations

from papers.accounts.models import Profile, _new_token
from papers.alerts.models import Alert, AlertMatch
from papers.catalogue.models import (
    ARXIV_ID_RE,
    AUTHOR_KEY_MAX_CHARS,
    DaysBetween,
    EmbeddingsVersion,
    ListingImpression,
    Paper,
    PaperAuthor,
    PaperEmbedding,
    PaperQuerySet,
    arxiv_id_month,
    author_key,
    normalize_title,
)
from papers.digest.models import Digest, DigestItem, DigestSubscription
from papers.feed.models import Dismissal
from papers.lists.models import ReadingList, ReadingListItem, Upvote

__all__ = [
    "ARXIV_ID_RE",
    "AUTHOR_KEY_MAX_CHARS",
    "Alert",
    "AlertMatch",
    "DaysBetween",
    "Digest",
    "DigestItem",
    "DigestSubscription",
    "Dismissal",
    "EmbeddingsVersion",
    "ListingImpression",
    "Paper",
    "PaperAuthor",
    "PaperEmbedding",
    "PaperQuerySet",
    "Profile",
    "ReadingList",
    "ReadingListItem",
    "Upvote",
    "_new_token",  # named by migration 0004 (Profile.feed_token's default)
    "arxiv_id_month",
    "author_key",
    "normalize_title",
]
