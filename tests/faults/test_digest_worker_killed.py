"""A Celery worker killed (SIGKILL, the whole process tree) while it sends the hour's digests: a fresh worker
finishes the job, and every due digest reaches its reader exactly once.

Real processes and services: `celery -A config worker` on a Redis broker, the test database, and a mail
server (tests/faults/mail.py) that records each accepted message in a file, slow to connect to like a
distant SMTP server.
"""

from __future__ import annotations

import datetime
import os
import signal
import time
import uuid

import pytest

from papers.models import Digest
from papers.tasks import send_due_digests
from tests.digest.factories import current_model_version, recommend, subscribe
from tests.factories import PaperFactory, UserFactory
from tests.faults.conftest import FAULTS_BROKER_URL
from tests.faults.mail import accepted_recipients
from tests.faults.processes import (
    VENV_BIN,
    child_env,
    database_url,
    needs_postgresql,
    running,
    signal_group,
    wait_until,
)

pytestmark = [needs_postgresql, pytest.mark.real_broker, pytest.mark.django_db(transaction=True)]

READERS = 8
PERIOD = "day:2024-01-15"


@pytest.fixture
def due_digests(monkeypatch):
    """Eight readers whose digest is due at the 07:00 UTC run of 2024-01-15, each with papers to send."""
    version = current_model_version()
    papers = [PaperFactory(title=f"Paper {n}") for n in range(1, 9)]
    readers = []
    for n in range(READERS):
        reader = UserFactory(username=f"reader{n}", email=f"reader{n}@example.org")
        subscribe(reader, hour=7, time_zone="UTC")
        recommend(reader, papers, version=version)
        readers.append(reader)
    now = datetime.datetime(2024, 1, 15, 7, 0, 3, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    return readers


def worker(tmp_path, name: str):
    env = child_env(
        DJANGO_SETTINGS_MODULE="tests.faults.worker_settings",
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=FAULTS_BROKER_URL,
        FAULTS_EMAIL_DIR=tmp_path / "mail",
    )
    args = [
        str(VENV_BIN / "celery"),
        "-A",
        "config",
        "worker",
        "--loglevel=info",
        "--concurrency=2",
        f"--hostname={name}-{uuid.uuid4().hex[:8]}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    return running(args, env=env, log=tmp_path / f"{name}.log")


def statuses() -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in Digest.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def kill_while_connecting(process, log) -> dict[str, int]:
    """SIGKILL the worker's whole process tree once some digests are out and another is being sent.

    The worker is stepped: stopped (SIGSTOP) while we look at the database, let go for 20 ms, stopped
    again. It is killed only while no message is in the middle of being handed over (no SENDING row):
    that moment is the one window papers/digest/sending.py settles towards "not sent", and
    tests/digest/test_never_twice.py covers it.
    """
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        signal_group(process, signal.SIGSTOP)
        counts = statuses()
        sent = counts.get(Digest.Status.SENT, 0)
        assert sent < READERS, "the worker sent every digest before it could be killed"
        if sent >= 2 and counts.get(Digest.Status.CLAIMED) and not counts.get(Digest.Status.SENDING):
            signal_group(process, signal.SIGKILL)
            process.wait(10)
            return counts
        signal_group(process, signal.SIGCONT)
        time.sleep(0.02)
    raise AssertionError(f"the worker never got half-way: {statuses()}\n{log.read_text()[-3000:]}")


def broker_is_idle(broker) -> bool:
    """No task waiting, and none delivered but unacknowledged (which Redis would hand out again)."""
    return broker.llen("celery") == 0 and broker.hlen("unacked") == 0


def test_a_worker_killed_mid_run_loses_no_digest_and_sends_none_twice(redis_broker, due_digests, tmp_path):
    mailbox = tmp_path / "mail"
    mailbox.mkdir()
    assert send_due_digests() == READERS  # what beat's hourly run does: one task per reader

    with worker(tmp_path, "first") as first:
        at_kill = kill_while_connecting(first, tmp_path / "first.log")
    accepted_at_kill = accepted_recipients(mailbox)
    assert sum(accepted_at_kill.values()) == at_kill[Digest.Status.SENT] < READERS
    assert redis_broker.llen("celery") + redis_broker.hlen("unacked") > 0, "the dead worker left tasks over"

    with worker(tmp_path, "second") as second:
        wait_until(
            lambda: Digest.objects.filter(status=Digest.Status.SENT).count() == READERS,
            timeout=60,
            what="the fresh worker to send the rest",
            log=tmp_path / "second.log",
        )
        wait_until(lambda: broker_is_idle(redis_broker), timeout=30, what="every task to be acknowledged")
        assert second.poll() is None
        os.kill(second.pid, signal.SIGTERM)  # a warm shutdown, as in a deploy
        second.wait(30)

    accepted = accepted_recipients(mailbox)
    assert accepted == {f"reader{n}@example.org": 1 for n in range(READERS)}, accepted
    assert set(Digest.objects.values_list("status", "period_key")) == {(Digest.Status.SENT, PERIOD)}
    taken_over = Digest.objects.filter(attempts__gt=1)
    assert taken_over.exists(), "a digest the dead worker had claimed was sent by the fresh one"
