"""Similar-papers lists: new papers get one the next morning, older lists are refreshed in rotation.

A run refreshes every paper without a list and then the oldest lists, a `SIMILAR_REFRESH_DAYS`-th of
the catalogue; the lists it does not refresh keep serving from the run that wrote them.
"""

from __future__ import annotations

import pytest

from recommender import nightly
from recommender.models import ModelVersion, SimilarPaper
from tests.catalogue.html import card_ids
from tests.factories import PaperFactory
from tests.recommender.freshness.corpus import make_corpus

pytestmark = pytest.mark.django_db


def computed_by() -> dict[int, set[int]]:
    """paper id -> the runs its stored list rows come from."""
    runs: dict[int, set[int]] = {}
    for paper_id, version_id in SimilarPaper.objects.values_list("paper_id", "version_id"):
        runs.setdefault(paper_id, set()).add(version_id)
    return runs


def test_the_first_run_writes_a_list_for_every_paper():
    corpus = make_corpus()
    version = nightly.train_and_publish()

    papers = [p for topic in corpus.values() for p in topic]
    assert computed_by() == {p.pk: {version.pk} for p in papers}
    assert version.metrics["similar_lists_refreshed"] == len(papers)


def test_a_paper_imported_after_a_run_gets_its_list_from_the_next_run(client):
    corpus = make_corpus()
    first = nightly.train_and_publish()
    late = PaperFactory(
        title="Spiking neural networks for keyword spotting",
        abstract="We study spiking neurons. Our spiking method improves spiking.",
    )
    assert late.pk not in computed_by()

    second = nightly.train_and_publish()

    runs = computed_by()
    assert runs[late.pk] == {second.pk}
    assert set(card_ids(client.get(late.get_absolute_url()))) & {p.pk for p in corpus["spiking"]}
    # Ten papers, a seventh of them a night: the new one plus the oldest list.
    refreshed = {paper for paper, versions in runs.items() if versions == {second.pk}}
    assert len(refreshed) == 2 == second.metrics["similar_lists_refreshed"]
    assert all(versions == {first.pk} for paper, versions in runs.items() if paper not in refreshed)


def test_lists_not_refreshed_keep_showing_after_their_run_is_retired(client):
    corpus = make_corpus()
    first = nightly.train_and_publish()
    for _ in range(nightly.KEEP_PREVIOUS_VERSIONS + 1):
        nightly.train_and_publish()
    first.refresh_from_db()
    assert first.status == ModelVersion.Status.RETIRED

    kept = [p for topic in corpus.values() for p in topic if computed_by()[p.pk] == {first.pk}]
    assert kept, "with ten papers and a seventh refreshed a night, most lists are still the first run's"
    shown = card_ids(client.get(kept[0].get_absolute_url()))
    assert shown and set(shown) == set(
        SimilarPaper.objects.filter(paper=kept[0]).values_list("similar_id", flat=True)
    )


def test_every_list_is_refreshed_within_the_rotation():
    make_corpus()
    first = nightly.train_and_publish()
    for _ in range(nightly.SIMILAR_REFRESH_DAYS):
        nightly.train_and_publish()

    assert not any(first.pk in versions for versions in computed_by().values())
    assert all(len(versions) == 1 for versions in computed_by().values())
