"""Every imported paper gets the embedding of its title and abstract, written with it."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.management import call_command

from papers.catalogue.embeddings import current_version
from papers.importers import import_records
from papers.models import Paper, PaperEmbedding
from recommender.embeddings import embed_texts, model_name, paper_text, vectors_from_bytes
from tests.factories import PaperFactory
from tests.importers.test_merging import LONG_ABSTRACT, SHORT_ABSTRACT, TODAY, api_record, page_record


def stored_vector(paper: Paper) -> np.ndarray:
    return vectors_from_bytes([PaperEmbedding.objects.get(paper=paper).vector])[0]


@pytest.mark.django_db
def test_an_imported_paper_has_the_embedding_of_its_title_and_abstract():
    import_records([api_record()], origin="test", today=TODAY)
    paper = Paper.objects.get()

    expected = embed_texts([paper_text(paper.title, SHORT_ABSTRACT)])[0]
    np.testing.assert_allclose(stored_vector(paper), expected, rtol=1e-6)
    assert PaperEmbedding.objects.get(paper=paper).model == model_name()


@pytest.mark.django_db
def test_a_longer_abstract_from_another_source_replaces_the_vector():
    import_records([api_record()], origin="arxiv", today=TODAY)
    paper = Paper.objects.get()
    before = stored_vector(paper)

    import_records([page_record(arxiv_id="2505.05522")], origin="page", today=TODAY)

    after = stored_vector(paper)
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, embed_texts([paper_text(paper.title, LONG_ABSTRACT)])[0], rtol=1e-6)


@pytest.mark.django_db
def test_a_reimport_that_changes_nothing_leaves_the_vector_alone():
    import_records([api_record()], origin="test", today=TODAY)
    written = PaperEmbedding.objects.get().embedded_at

    import_records([api_record()], origin="test", today=TODAY)

    assert PaperEmbedding.objects.get().embedded_at == written


@pytest.mark.django_db(transaction=True)
def test_the_version_grows_once_the_import_has_committed():
    before = current_version()

    import_records([api_record()], origin="test", today=TODAY)

    assert current_version() > before


@pytest.mark.django_db
def test_embed_papers_fills_in_only_papers_without_a_current_vector():
    unembedded = PaperFactory.create_batch(3)
    import_records([api_record()], origin="test", today=TODAY)
    imported = Paper.objects.get(arxiv_id="2505.05522")
    kept_at = PaperEmbedding.objects.get(paper=imported).embedded_at
    # A vector of another width (EMBEDDING_DIMENSIONS changed) is as good as none.
    PaperEmbedding.objects.filter(paper=imported).update(model="wordllama-l2_supercat-64", vector=b"\0" * 256)
    out = io.StringIO()

    call_command("embed_papers", stdout=out)

    assert "embedded 4 papers" in out.getvalue()
    assert set(PaperEmbedding.objects.values_list("model", flat=True)) == {model_name()}
    assert PaperEmbedding.objects.count() == 4
    assert PaperEmbedding.objects.get(paper=imported).embedded_at >= kept_at
    for paper in unembedded:
        expected = embed_texts([paper_text(paper.title, paper.abstract)])[0]
        np.testing.assert_allclose(stored_vector(paper), expected, rtol=1e-6)


@pytest.mark.django_db
def test_embed_papers_run_again_does_nothing():
    PaperFactory.create_batch(2)
    call_command("embed_papers", stdout=io.StringIO())
    out = io.StringIO()

    call_command("embed_papers", stdout=out)

    assert "embedded 0 papers" in out.getvalue()
