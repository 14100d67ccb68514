from __future__ import annotations

import contextlib
import time

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from papers.lists.operations import default_reading_list, reading_list_add
from papers.lists.votes import paper_dismiss
from recommender import nightly
from recommender.models import ModelVersion, Recommendation, SimilarPaper
from recommender.rerank import rerank_user
from tests.factories import UserFactory
from tests.recommender.freshness.corpus import make_corpus


def feed(user):
    return list(
        Recommendation.objects.filter(user=user, version__is_current=True)
        .order_by("rank")
        .values_list("paper__title", flat=True)
    )


def save(user, *papers):
    reading_list = default_reading_list(user)
    for paper in papers:
        reading_list_add(reading_list=reading_list, paper=paper)


@pytest.mark.django_db
def test_a_reader_of_two_spiking_papers_gets_the_third_first_with_a_reason():
    corpus = make_corpus()
    alice = UserFactory()
    save(alice, *corpus["spiking"][:2])

    version = nightly.train_and_publish()

    assert version.is_current and version.status == ModelVersion.Status.READY
    assert feed(alice)[0] == corpus["spiking"][2].title
    top = Recommendation.objects.filter(user=alice, version=version).order_by("rank").first()
    assert top.reason == Recommendation.Reason.SIMILAR
    assert top.reason_paper in corpus["spiking"][:2]
    assert "spiking" in " ".join(top.reason_terms)
    assert default_storage.exists(version.artifact)


@pytest.mark.django_db
def test_papers_on_the_readers_lists_are_never_recommended_back():
    corpus = make_corpus()
    alice = UserFactory()
    save(alice, *corpus["protein"])
    nightly.train_and_publish()
    assert not set(feed(alice)) & {p.title for p in corpus["protein"]}


@pytest.mark.django_db
def test_similar_papers_are_precomputed_for_every_paper():
    corpus = make_corpus()
    nightly.train_and_publish()
    neighbours = SimilarPaper.objects.filter(paper=corpus["graphs"][0]).order_by("rank")
    assert neighbours.first().similar in corpus["graphs"][1:]


@pytest.mark.django_db
def test_a_rerank_after_a_save_changes_the_feed_without_retraining():
    corpus = make_corpus()
    alice = UserFactory()
    save(alice, corpus["spiking"][0])
    nightly.train_and_publish()
    target = corpus["protein"][2]
    before = feed(alice).index(target.title)

    # The save's on_commit hook would enqueue this; here it runs directly, as the worker would.
    save(alice, *corpus["protein"][:2])
    rerank_user(alice.pk)

    assert ModelVersion.objects.count() == 1
    after = feed(alice)
    assert after.index(target.title) < before
    assert not {p.title for p in corpus["protein"][:2]} & set(after)
    moved = Recommendation.objects.get(user=alice, paper=target, version__is_current=True)
    assert moved.reason_paper in corpus["protein"][:2]


@pytest.mark.django_db
def test_a_dismissed_paper_leaves_the_feed_for_good():
    corpus = make_corpus()
    alice = UserFactory()
    save(alice, *corpus["spiking"][:2])
    nightly.train_and_publish()
    dismissed = corpus["spiking"][2]
    assert dismissed.title in feed(alice)

    paper_dismiss(user=alice, paper=dismissed)
    rerank_user(alice.pk)
    assert dismissed.title not in feed(alice)

    nightly.train_and_publish()
    assert dismissed.title not in feed(alice)


@pytest.mark.django_db
def test_papers_imported_after_training_are_scored_with_the_current_features():
    corpus = make_corpus()
    alice = UserFactory()
    save(alice, *corpus["spiking"])
    nightly.train_and_publish()
    from tests.factories import PaperFactory

    fresh = PaperFactory(
        title="Spiking neural networks with learnable delays",
        abstract="We study spiking neurons with delays. Our spiking method improves temporal coding.",
    )
    rerank_user(alice.pk)
    assert feed(alice)[0] == fresh.title


@pytest.mark.django_db
def test_a_failed_training_keeps_the_previous_version_serving(monkeypatch):
    corpus = make_corpus()
    alice = UserFactory()
    save(alice, *corpus["spiking"][:2])
    first = nightly.train_and_publish()
    before = feed(alice)

    def broken(*args, **kwargs):
        raise MemoryError("simulated failure while ranking")

    monkeypatch.setattr(nightly, "block_rows", broken)
    with pytest.raises(MemoryError):
        nightly.train_and_publish()

    failed = ModelVersion.objects.exclude(pk=first.pk).get()
    assert failed.status == ModelVersion.Status.FAILED and not failed.is_current
    assert "simulated failure" in failed.error
    assert ModelVersion.objects.current() == first
    assert feed(alice) == before
    assert not Recommendation.objects.filter(version=failed).exists()
    assert not failed.artifact or not default_storage.exists(failed.artifact)

    monkeypatch.undo()
    assert nightly.train_and_publish().is_current


@contextlib.contextmanager
def lock_held_elsewhere():
    """The training lock as another process would hold it: its own database session on PostgreSQL."""
    if connection.vendor != "postgresql":
        with nightly.training_lock():
            yield
        return
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [nightly.LOCK_ID])
        yield
    finally:
        other.close()  # the server releases a session's advisory locks when it ends
        _wait_for_lock_release()


def _wait_for_lock_release():
    # The closed session's backend exits asynchronously; give it a moment to drop the lock.
    for _ in range(50):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s",
                [nightly.LOCK_ID & 0xFFFFFFFF],
            )
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.1)


@pytest.mark.django_db
def test_a_second_run_while_one_holds_the_lock_is_refused_and_changes_nothing():
    make_corpus()
    with lock_held_elsewhere(), pytest.raises(nightly.TrainingAlreadyRunning):
        nightly.train_and_publish()
    assert not ModelVersion.objects.exists()
    assert nightly.train_and_publish().is_current  # the lock died with its holder


@pytest.mark.django_db
def test_an_empty_catalogue_fails_clearly_and_publishes_nothing():
    with pytest.raises(RuntimeError, match="catalogue is empty"):
        nightly.train_and_publish()
    assert ModelVersion.objects.current() is None
