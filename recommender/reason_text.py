"""Recommendation reasons in words, shared by the feed page, the digest email and the RSS feed."""

from __future__ import annotations

from collections.abc import Sequence


def reason_text(kind: str, related_title: str = "", terms: Sequence[str] = ()) -> str:
    shared = ", ".join(terms[:4])
    if kind == "similar" and related_title:
        text = f"Close to “{related_title}”, which you saved"
        return f"{text} — shares {shared}" if shared else text
    if kind == "collaborative" and related_title:
        return f"Saved by readers who also saved “{related_title}”"
    if kind in ("similar", "terms") and shared:
        return f"Matches your interests: {shared}"
    if kind == "new":
        return "New this week, and close to what you read"
    return "Popular with readers now"
