"""Search by meaning: the nearest papers, from vectors no older than the database's."""

from __future__ import annotations

import pytest
from django.db import transaction

from papers.catalogue import semantic_search
from papers.catalogue.embeddings import embed_missing
from papers.models import Paper
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

SPIKING = ("Spiking neural networks", "Event-driven neurons on neuromorphic chips that emit spikes.")
PROTEIN = ("Protein folding with deep learning", "Predicting the structure of proteins from amino acids.")
GALAXY = ("Galaxy rotation curves", "Dark matter halos explain how fast stars orbit galactic centres.")


def papers(*texts: tuple[str, str]) -> list[Paper]:
    created = [PaperFactory(title=title, abstract=abstract) for title, abstract in texts]
    embed_missing()
    return created


def test_the_closest_paper_in_meaning_comes_first_even_without_a_shared_word():
    spiking, protein, galaxy = papers(SPIKING, PROTEIN, GALAXY)

    assert semantic_search.search_by_meaning("brain-inspired computing hardware")[0] == spiking.pk
    assert semantic_search.search_by_meaning("astrophysics of the universe")[0] == galaxy.pk
    assert semantic_search.search_by_meaning("biology of molecules")[0] == protein.pk


def test_within_some_papers_only_those_are_ranked():
    _spiking, protein, galaxy = papers(SPIKING, PROTEIN, GALAXY)

    found = semantic_search.search_by_meaning("neurons", among=[protein.pk, galaxy.pk, 10**9])

    assert sorted(found) == sorted([protein.pk, galaxy.pk])


def test_a_query_with_nothing_to_embed_finds_nothing():
    papers(SPIKING)

    assert semantic_search.search_by_meaning("") == []


@pytest.mark.django_db(transaction=True)
def test_a_paper_embedded_by_another_process_is_found_at_the_next_search():
    spiking, protein = papers(SPIKING, PROTEIN)
    assert sorted(semantic_search.search_by_meaning("galaxies")) == sorted([spiking.pk, protein.pk])
    loaded = semantic_search.catalogue_matrix()

    # As an import in another process would: the vectors commit, then the version grows.
    with transaction.atomic():
        galaxy = PaperFactory(title=GALAXY[0], abstract=GALAXY[1])
        embed_missing()

    assert semantic_search.search_by_meaning("galaxies")[0] == galaxy.pk
    assert semantic_search.catalogue_matrix() is not loaded


def test_the_matrix_is_not_reloaded_while_nothing_changed():
    papers(SPIKING, PROTEIN)
    first = semantic_search.catalogue_matrix()

    semantic_search.search_by_meaning("neurons")

    assert semantic_search.catalogue_matrix() is first
