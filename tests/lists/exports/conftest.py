"""Personas for the export, import and account tests: alice owns lists, bob is another user."""

from __future__ import annotations

import datetime

import pytest

from papers.lists.operations import reading_list_add
from papers.models import Paper, Profile, ReadingList, ReadingListItem
from tests.factories import PaperFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def ranking_paper(db) -> Paper:
    """The fixed arXiv paper the exact-output tests describe."""
    return PaperFactory(
        arxiv_id="2401.01234",
        title="Learning to Rank Papers",
        authors=["Ada Lovelace", "Alan Turing"],
        categories=["cs.LG", "cs.IR"],
        published_on=datetime.date(2024, 1, 10),
        abstract="We rank papers.",
    )


@pytest.fixture
def alice_list(alice, ranking_paper) -> ReadingList:
    """Alice's private list with one paper, a status and a private note."""
    reading_list = ReadingList.objects.create(owner=alice, name="Thesis: chapter 2")
    item = reading_list_add(reading_list=reading_list, paper=ranking_paper)
    ReadingListItem.objects.filter(pk=item.pk).update(
        status=ReadingListItem.Status.READING, note="SECRET-NOTE: compare with ch. 3"
    )
    return reading_list


@pytest.fixture
def alice_token(alice) -> str:
    return Profile.for_user(alice).feed_token
