"""Feeds are fetched by feed readers: parse every response with feedparser, as they would."""

from __future__ import annotations

import feedparser


def parse_feed(response) -> feedparser.FeedParserDict:
    """The parsed feed; fails unless it is well-formed (bozo 0) and served as a feed."""
    assert response.status_code == 200, response.status_code
    feed = feedparser.parse(response.content, response_headers={"content-type": response["Content-Type"]})
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed
