"""A digest is never sent twice for one period: reruns, retries and a worker dying after the claim."""

from __future__ import annotations

import datetime

import pytest

from papers.digest.sending import build_message, claim_digest, hand_over, send_digest
from papers.models import Digest
from papers.tasks import send_digest as send_digest_task
from papers.tasks import send_due_digests
from tests.digest.backends import FlakyBackend, WorkerKilled

pytestmark = pytest.mark.django_db

PERIOD = "day:2024-01-15"


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.digest.backends.FlakyBackend"
    yield FlakyBackend
    FlakyBackend.failures = 0


@pytest.fixture
def at_0700_utc_on_monday(monkeypatch):
    """The hourly run at 07:00 UTC, 2024-01-15: 08:00 in Berlin, alice's hour."""
    now = datetime.datetime(2024, 1, 15, 7, 0, 3, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)


def test_running_the_task_twice_sends_one_email(alice_subscribed, alice_recommended, mailoutbox):
    assert send_digest_task.delay(alice_subscribed.user_id, PERIOD).get() == "sent"
    assert send_digest_task.delay(alice_subscribed.user_id, PERIOD).get() == "already sent for this period"

    assert len(mailoutbox) == 1
    assert Digest.objects.get().status == Digest.Status.SENT


def test_the_hourly_run_twice_in_one_hour_sends_one_email(
    alice_subscribed, alice_recommended, at_0700_utc_on_monday, mailoutbox
):
    assert send_due_digests.delay().get() == 1
    assert send_due_digests.delay().get() == 1

    assert len(mailoutbox) == 1
    assert Digest.objects.get().period_key == "day:2024-01-15"


def test_a_failure_of_the_email_backend_releases_the_claim_and_the_retry_sends_once(
    alice_subscribed, alice_recommended, flaky, like_a_worker, mailoutbox
):
    flaky.failures = 1

    send_digest_task.delay(alice_subscribed.user_id, PERIOD)

    assert len(mailoutbox) == 1
    digest = Digest.objects.get()
    assert (digest.status, digest.attempts, digest.error) == (Digest.Status.SENT, 2, "")
    assert digest.items.count() == 5


def test_a_failed_digest_keeps_its_error_until_a_retry_claims_it(alice_subscribed, alice_recommended, flaky):
    flaky.failures = 1

    with pytest.raises(Exception, match="Connection unexpectedly closed"):
        send_digest(user_id=alice_subscribed.user_id, period_key=PERIOD)

    digest = Digest.objects.get()
    assert digest.status == Digest.Status.FAILED
    assert digest.error == "SMTPServerDisconnected: Connection unexpectedly closed"


def test_a_worker_killed_after_the_claim_never_sends_that_digest_again(
    alice_subscribed, alice_recommended, settings, mailoutbox
):
    settings.EMAIL_BACKEND = "tests.digest.backends.DyingBackend"
    with pytest.raises(WorkerKilled):
        send_digest_task.delay(alice_subscribed.user_id, PERIOD)
    assert Digest.objects.get().status == Digest.Status.SENDING

    # The broker redelivers the task (acks_late) to a healthy worker.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_digest_task.delay(alice_subscribed.user_id, PERIOD).get() == "already sent for this period"

    assert mailoutbox == []
    assert Digest.objects.get().status == Digest.Status.SENDING


def test_papers_of_a_digest_that_may_have_been_sent_are_not_mailed_again(
    alice_subscribed, alice_recommended, settings, mailoutbox
):
    settings.EMAIL_BACKEND = "tests.digest.backends.DyingBackend"
    with pytest.raises(WorkerKilled):
        send_digest(user_id=alice_subscribed.user_id, period_key="day:2024-01-15")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    send_digest(user_id=alice_subscribed.user_id, period_key="day:2024-01-16")

    assert "1. Paper 6" in mailoutbox[0].body


def test_a_worker_killed_while_connecting_loses_nothing_and_the_next_delivery_sends_once(
    alice_subscribed, alice_recommended, settings, mailoutbox
):
    settings.EMAIL_BACKEND = "tests.digest.backends.DyingWhileConnectingBackend"
    with pytest.raises(WorkerKilled):
        send_digest_task.delay(alice_subscribed.user_id, PERIOD)
    assert Digest.objects.get().status == Digest.Status.CLAIMED  # nothing was handed over

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_digest_task.delay(alice_subscribed.user_id, PERIOD).get() == "sent"
    assert send_digest_task.delay(alice_subscribed.user_id, PERIOD).get() == "already sent for this period"

    assert len(mailoutbox) == 1
    digest = Digest.objects.get()
    assert (digest.status, digest.attempts) == (Digest.Status.SENT, 2)


def test_of_two_workers_holding_a_claim_only_the_latest_hands_the_digest_over(
    alice, alice_subscribed, alice_recommended, mailoutbox
):
    message = build_message(user=alice, subscription=alice_subscribed, recommendations=alice_recommended[:5])
    first = claim_digest(user=alice, period_key=PERIOD, recommendations=alice_recommended[:5])
    # The task delivered a second time while the first worker is still connecting (or after it died).
    second = claim_digest(user=alice, period_key=PERIOD, recommendations=alice_recommended[:5])

    assert hand_over(first, message) is False
    assert hand_over(second, message) is True
    assert claim_digest(user=alice, period_key=PERIOD, recommendations=alice_recommended[:5]) is None

    assert len(mailoutbox) == 1
    assert Digest.objects.get().attempts == 2


def test_a_digest_the_backend_keeps_refusing_is_given_up_after_the_retries(
    alice_subscribed, alice_recommended, flaky, like_a_worker, mailoutbox, caplog
):
    flaky.failures = 100

    assert send_digest_task.delay(alice_subscribed.user_id, PERIOD).get() == "failed"

    digest = Digest.objects.get()
    assert (digest.status, digest.attempts) == (Digest.Status.FAILED, 6)
    assert mailoutbox == []
    assert "giving up on user" in caplog.text
