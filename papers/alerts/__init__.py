"""Alerts: a reader's saved searches and followed authors, and the new papers they matched.

- `operations`: follow and unfollow an author, save and delete a search (the few writes);
- `matching`: the Celery task that records which new papers match which alerts, after each import;
- `reads`: what the feed, the digest and the per-alert Atom feed show of the matches;
- `views`: the alerts page and the follow, save and delete actions.
"""
