"""One refused address does not stop the digests of everyone else."""

from __future__ import annotations

import datetime

import pytest

from papers.models import Digest
from papers.tasks import send_due_digests
from tests.digest.backends import RefusingBackend
from tests.digest.factories import recommend, subscribe
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = "tests.digest.backends.RefusingBackend"
    yield RefusingBackend.refused
    RefusingBackend.refused.clear()


def test_a_refused_address_is_retried_on_its_own_and_the_others_are_sent(
    alice, bob, papers, version, refusing, like_a_worker, monkeypatch, mailoutbox, caplog
):
    carol = UserFactory(username="carol")
    for user in (alice, bob, carol):
        subscribe(user)
        recommend(user, papers, version=version)
    refusing.add("bob@example.org")
    now = datetime.datetime(2024, 1, 15, 7, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)

    assert send_due_digests.delay().get() == 3

    assert sorted(message.to[0] for message in mailoutbox) == ["alice@example.org", "carol@example.org"]
    statuses = dict(Digest.objects.values_list("user__username", "status"))
    assert statuses == {"alice": "sent", "bob": "failed", "carol": "sent"}
    bobs = Digest.objects.get(user=bob)
    assert bobs.attempts == 6
    assert "SMTPRecipientsRefused" in bobs.error
    assert f"send_digest: user {bob.pk} for day:2024-01-15 will be retried" in caplog.text
