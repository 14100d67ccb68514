"""Recommendation reasons in words, shared by the feed page, the digest email and the RSS feed.

Each phrase says only what is true: the verb is what the reader did with the paper the reason names
(`Recommendation.reason_action`), and the words after "shares" occur in both papers' titles or abstracts
(recommender.shared_words), or in the recommended paper and the reader's topics.
"""

from __future__ import annotations

from collections.abc import Sequence

# What the reader did with the named paper, after its title.
_WHAT_YOU_DID = {
    "saved": "which you saved",
    "upvoted": "which you upvoted",
    "read": "which you marked read",
    "pasted": "the paper you pasted",
    "imported": "which you imported",
}


def reason_text(kind: str, related_title: str = "", terms: Sequence[str] = (), *, action: str = "") -> str:
    shared = ", ".join(terms[:4])
    did = _WHAT_YOU_DID.get(action, "")
    if kind == "similar" and related_title:
        text = f"Close to “{related_title}”, {did}" if did else f"Close to “{related_title}”"
        return f"{text} — shares {shared}" if shared else text
    if kind == "meaning" and related_title:
        return (
            f"Close in meaning to “{related_title}”, {did}"
            if did
            else f"Close in meaning to “{related_title}”"
        )
    if kind == "collaborative" and related_title:
        return f"Readers who saved “{related_title}” also saved this"
    if kind in ("similar", "terms") and shared:
        return f"From your topics: {shared}" if action == "topics" else f"Matches your interests: {shared}"
    if kind == "terms" and action == "topics":
        return "From your topics"
    if kind == "terms":
        # Content that none of the reader's own papers explains alone: the profile was widened with
        # papers like theirs (co-saved with them, or their closest matches).
        return "Close to papers like yours"
    if kind == "new":
        return "New this week, and close to what you read"
    return "Popular with readers now"
