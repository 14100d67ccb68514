"""A training run killed mid-way (OOM killer, a deploy, a lost machine): the previous model keeps serving,
and the next run cleans up after the dead one and succeeds.

The run is the real `manage.py train_recommender`, in its own process, on the test database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client

from recommender import artifact_store, nightly
from recommender.models import ModelVersion, Recommendation, SimilarPaper
from tests.faults.corpus import TOPICS, make_papers, make_readers
from tests.faults.processes import child_env, database_url, needs_postgresql, running, wait_until
from tests.feed.html import feed_card_ids

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]

# About 8,000 recommendation rows and 3,000 similar papers a run: a few seconds of work.
PAPERS = 300
READERS = 40


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    artifact_store.forget_loaded_models()
    yield settings.MEDIA_ROOT
    artifact_store.forget_loaded_models()


def train_recommender(media, log):
    """The real command, in its own process; killed when the block ends if it is still there."""
    env = child_env(DATABASE_URL=database_url(), MEDIA_ROOT=media)
    return running([sys.executable, "manage.py", "train_recommender"], env=env, log=log)


def feed_of(user) -> list[int]:
    client = Client()
    client.force_login(user)
    response = client.get("/feed/")
    assert response.status_code == 200
    return feed_card_ids(response)


def advisory_lock_held() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database()) AND objid = %s",
            [nightly.LOCK_ID & 0xFFFFFFFF],
        )
        return bool(cursor.fetchone()[0])


def kill_after_some_rows(process: subprocess.Popen[bytes], log) -> ModelVersion:
    """SIGKILL the run once its new version has committed some recommendation rows, before its switch.

    The run is stepped: stopped (SIGSTOP) while we look at the database, let go for 20 ms, stopped
    again. So the kill lands at a moment we have seen, however fast or slow the machine is, instead of
    racing the run to its end.
    """
    wait_until(
        lambda: ModelVersion.objects.filter(status=ModelVersion.Status.TRAINING).exists(),
        timeout=60,
        what="the run to create its version",
        log=log,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        os.kill(process.pid, signal.SIGSTOP)
        version = ModelVersion.objects.exclude(status=ModelVersion.Status.READY).order_by("-pk").first()
        assert version is not None and process.poll() is None, "the run finished before it could be killed"
        if version.status == ModelVersion.Status.TRAINING and version.recommendations.exists():
            os.kill(process.pid, signal.SIGKILL)
            process.wait(10)
            return version
        os.kill(process.pid, signal.SIGCONT)
        time.sleep(0.02)
    raise AssertionError("the run never wrote a recommendation row")


def test_a_killed_training_run_leaves_the_previous_model_serving_and_the_next_run_succeeds(media, tmp_path):
    papers = make_papers(PAPERS)
    readers = make_readers(papers, READERS)
    alice = readers[0]
    first = nightly.train_and_publish()
    served_before = feed_of(alice)
    assert served_before, "alice's feed shows the first model's recommendations"

    # Alice's interests move to another topic: the next model would show her a different feed.
    other_topic = papers[1 :: len(TOPICS)][:10]
    alice.upvotes.all().delete()
    for paper in other_topic:
        alice.upvotes.create(paper=paper)

    log = tmp_path / "train.log"
    with train_recommender(media, log) as run:
        killed = kill_after_some_rows(run, log)

    killed.refresh_from_db()
    assert killed.status == ModelVersion.Status.TRAINING and not killed.is_current
    assert killed.recommendations.exists(), "the dead run left half its rows behind"
    assert killed.artifact and default_storage.exists(killed.artifact), "…and its artifact"
    assert ModelVersion.objects.current() == first
    assert feed_of(alice) == served_before, "readers still get the previous model, unchanged"
    # The server ends the dead session and with it the run's advisory lock.
    wait_until(lambda: not advisory_lock_held(), timeout=10, what="PostgreSQL to release the lock")

    with train_recommender(media, tmp_path / "rerun.log") as rerun:
        assert rerun.wait(120) == 0, (tmp_path / "rerun.log").read_text()

    latest = ModelVersion.objects.current()
    assert latest is not None and latest.pk > killed.pk and latest.status == ModelVersion.Status.READY
    killed.refresh_from_db()
    assert killed.status == ModelVersion.Status.FAILED
    assert killed.error == "interrupted before it finished"
    assert not Recommendation.objects.filter(version=killed).exists()
    assert not SimilarPaper.objects.filter(version=killed).exists()
    assert not default_storage.exists(killed.artifact)
    first.refresh_from_db()
    assert first.status == ModelVersion.Status.READY and not first.is_current  # kept for a rollback
    served_after = feed_of(alice)
    assert served_after and served_after != served_before
    assert set(served_after) <= set(
        Recommendation.objects.filter(user=alice, version=latest).values_list("paper_id", flat=True)
    )
