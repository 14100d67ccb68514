"""python manage.py send_digests [--dry-run] [--user NAME]."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from papers.models import Digest
from tests.digest.backends import RefusingBackend
from tests.digest.factories import recommend, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_0700_utc_on_monday(monkeypatch):
    now = datetime.datetime(2024, 1, 15, 7, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)


def run(*args: str) -> str:
    out = StringIO()
    call_command("send_digests", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_the_dry_run_prints_what_would_be_sent_and_sends_nothing(
    alice_subscribed, alice_recommended, at_0700_utc_on_monday, mailoutbox
):
    output = run("--dry-run")

    assert output.splitlines()[:4] == [
        "alice <alice@example.org> day:2024-01-15: would send 5 papers",
        "   1. Paper 1",
        "      Matches your interests: spiking networks, plasticity",
        f"      https://papers.example.org/abs/{alice_recommended[0].paper.arxiv_id}/",
    ]
    assert "   5. Paper 5" in output
    assert "Paper 6" not in output
    assert mailoutbox == []
    assert not Digest.objects.exists()


def test_the_dry_run_says_when_nobody_is_due(alice_subscribed, alice_recommended, monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: datetime.datetime(2024, 1, 15, 9, 0, tzinfo=datetime.UTC)
    )

    assert run("--dry-run") == "No digest is due at 2024-01-15 09:00 UTC.\n"


def test_the_dry_run_for_one_user_ignores_the_hour(alice_subscribed, alice_recommended, monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: datetime.datetime(2024, 1, 15, 15, 0, tzinfo=datetime.UTC)
    )

    assert run("--dry-run", "--user", "alice").startswith(
        "alice <alice@example.org> day:2024-01-15: would send 5 papers\n"
    )


def test_the_dry_run_reports_nothing_new_and_digests_already_sent(
    alice, bob, alice_subscribed, alice_recommended, at_0700_utc_on_monday
):
    subscribe(bob)
    run()

    output = run("--dry-run")

    assert (
        "alice <alice@example.org> day:2024-01-15: already sent at 2024-01-15 07:00 UTC, no email" in output
    )
    assert "bob <bob@example.org> day:2024-01-15: nothing new, no email" in output


def test_the_dry_run_previews_a_user_who_has_not_opted_in(alice, alice_recommended, at_0700_utc_on_monday):
    output = run("--dry-run", "--user", "alice")

    # All eight of her papers: the default size is 10.
    assert output.startswith(
        "alice <alice@example.org> day:2024-01-15 (digest is off: a real run sends nothing): "
        "would send 8 papers\n"
    )


def test_without_dry_run_it_sends_the_due_digests(
    alice_subscribed, alice_recommended, at_0700_utc_on_monday, mailoutbox
):
    assert run() == "alice day:2024-01-15: sent\n"
    assert len(mailoutbox) == 1
    assert run() == "alice day:2024-01-15: already sent for this period\n"
    assert len(mailoutbox) == 1


def test_one_user_is_sent_now_whatever_their_hour(alice, bob, papers, version, mailoutbox, monkeypatch):
    subscribe(alice, frequency="weekly", hour=20)
    subscribe(bob)
    recommend(alice, papers, version=version)
    recommend(bob, papers, version=version)
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: datetime.datetime(2024, 1, 17, 3, 0, tzinfo=datetime.UTC)
    )

    assert run("--user", "alice") == "alice week:2024-W03: sent\n"
    assert [message.to for message in mailoutbox] == [["alice@example.org"]]


def test_it_never_mails_a_user_who_has_not_opted_in(alice, alice_recommended, mailoutbox):
    with pytest.raises(CommandError, match=r"^alice has not turned the digest on; nothing was sent\.$"):
        run("--user", "alice")
    assert mailoutbox == []


def test_an_unknown_user_is_an_error(db):
    with pytest.raises(CommandError, match=r"^No user is called 'nobody'\.$"):
        run("--dry-run", "--user", "nobody")


def test_a_refused_address_is_reported_and_the_others_still_sent(
    alice, bob, papers, version, settings, at_0700_utc_on_monday, mailoutbox
):
    settings.EMAIL_BACKEND = "tests.digest.backends.RefusingBackend"
    RefusingBackend.refused.add("alice@example.org")
    try:
        for user in (alice, bob):
            subscribe(user)
            recommend(user, papers, version=version)
        out, err = StringIO(), StringIO()
        with pytest.raises(CommandError, match="1 digest"):
            call_command("send_digests", stdout=out, stderr=err)
    finally:
        RefusingBackend.refused.clear()

    assert "alice day:2024-01-15: not sent" in err.getvalue()
    assert out.getvalue() == "bob day:2024-01-15: sent\n"
    assert [message.to for message in mailoutbox] == [["bob@example.org"]]
