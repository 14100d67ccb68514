"""The paper page lists the current model's precomputed similar papers."""

from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from papers.models import Dismissal
from recommender.models import SimilarPaper
from tests.catalogue.html import card_ids
from tests.factories import PaperFactory
from tests.feed.corpus import model_version

pytestmark = pytest.mark.django_db


def neighbours(paper, others, version):
    SimilarPaper.objects.bulk_create(
        SimilarPaper(paper=paper, similar=other, version=version, rank=rank, score=1.0 / rank)
        for rank, other in enumerate(others, start=1)
    )


def test_the_paper_page_shows_up_to_ten_similar_papers_closest_first(client):
    paper, *others = PaperFactory.create_batch(13)
    neighbours(paper, list(reversed(others)), model_version())

    response = client.get(paper.get_absolute_url())

    assertContains(response, "Similar papers")
    assert card_ids(response) == [p.pk for p in reversed(others)][:10]


def test_only_the_current_versions_neighbours_are_shown(client):
    paper, stale, fresh = PaperFactory.create_batch(3)
    neighbours(paper, [stale], model_version())
    neighbours(paper, [fresh], model_version())

    assert card_ids(client.get(paper.get_absolute_url())) == [fresh.pk]


def test_papers_the_reader_is_not_interested_in_are_left_out(alice_client, alice):
    paper, dismissed, kept = PaperFactory.create_batch(3)
    neighbours(paper, [dismissed, kept], model_version())
    Dismissal.objects.create(user=alice, paper=dismissed)

    assert card_ids(alice_client.get(paper.get_absolute_url())) == [kept.pk]


def test_before_the_first_training_there_is_no_similar_section(client):
    paper = PaperFactory()

    assertNotContains(client.get(paper.get_absolute_url()), "Similar papers")
