"""The account export tests describe the same list as the list export tests."""

from __future__ import annotations

from tests.lists.exports.conftest import alice_list, alice_token, ranking_paper

__all__ = ["alice_list", "alice_token", "ranking_paper"]
