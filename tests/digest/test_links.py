"""The links in a digest email: one-click unsubscribe and save to Read later, without logging in."""

from __future__ import annotations

import base64
import json
import re
import time
from urllib.parse import urlsplit

import pytest
from django.core.signing import TimestampSigner, b62_encode
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from papers.digest.sending import send_digest
from papers.digest.tokens import make_save_token, make_unsubscribe_token
from papers.models import DigestSubscription, ReadingListItem

pytestmark = pytest.mark.django_db

DAY = 24 * 60 * 60


def made_days_ago(monkeypatch, days: int, make):
    """A token signed `days` ago: the signer's clock is moved back while it signs."""
    then = int(time.time()) - days * DAY
    with monkeypatch.context() as patched:
        patched.setattr(TimestampSigner, "timestamp", lambda self: b62_encode(then))
        return make()


def tampered(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def unsubscribe_url(token: str) -> str:
    return f"/digest/unsubscribe/{token}/"


def save_url(token: str) -> str:
    return f"/digest/save/{token}/"


def saved_paper_ids(user) -> list[int]:
    return list(ReadingListItem.objects.filter(reading_list__owner=user).values_list("paper_id", flat=True))


def is_subscribed(user) -> bool:
    return DigestSubscription.objects.get(user=user).enabled


# Unsubscribe


def test_opening_the_unsubscribe_link_asks_first_and_changes_nothing(client, alice, alice_subscribed):
    response = client.get(unsubscribe_url(make_unsubscribe_token(user_id=alice.pk)))

    assertContains(response, "Unsubscribe from the digest?")
    assertContains(response, '<form class="form" method="post">')
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert is_subscribed(alice)


def test_the_one_click_post_unsubscribes_without_a_login_or_csrf_token(alice, alice_subscribed):
    # What a mail client sends for RFC 8058: no cookies, no CSRF token, just this body.
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        unsubscribe_url(make_unsubscribe_token(user_id=alice.pk)),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assertContains(response, "You are unsubscribed")
    assert not is_subscribed(alice)


def test_unsubscribing_twice_is_harmless(client, alice, alice_subscribed):
    url = unsubscribe_url(make_unsubscribe_token(user_id=alice.pk))

    assert client.post(url).status_code == 200
    assert client.post(url).status_code == 200
    assert not is_subscribed(alice)


def test_the_unsubscribe_link_in_the_email_works(
    client, alice, alice_subscribed, alice_recommended, mailoutbox
):
    send_digest(user_id=alice.pk, period_key="day:2024-01-15")
    header = mailoutbox[0].extra_headers["List-Unsubscribe"]

    client.post(urlsplit(header.strip("<>")).path)

    assert not is_subscribed(alice)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_unsubscribe_link_is_refused_with_a_clear_page(client, alice, alice_subscribed, method):
    url = unsubscribe_url(tampered(make_unsubscribe_token(user_id=alice.pk)))

    response = getattr(client, method)(url)

    assert response.status_code == 400
    assertContains(response, "This link does not work", status_code=400)
    assert is_subscribed(alice)


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_unsubscribe_link_is_refused_with_a_clear_page(
    client, alice, alice_subscribed, method, monkeypatch
):
    token = made_days_ago(monkeypatch, 91, lambda: make_unsubscribe_token(user_id=alice.pk))

    response = getattr(client, method)(unsubscribe_url(token))

    assertContains(response, "This link has expired", status_code=410)
    assert is_subscribed(alice)


def test_an_unsubscribe_link_from_last_month_still_works(client, alice, alice_subscribed, monkeypatch):
    token = made_days_ago(monkeypatch, 30, lambda: make_unsubscribe_token(user_id=alice.pk))

    assert client.post(unsubscribe_url(token)).status_code == 200
    assert not is_subscribed(alice)


def test_a_save_link_cannot_unsubscribe(client, alice, alice_subscribed, papers):
    token = make_save_token(user_id=alice.pk, paper_id=papers[0].pk)

    assert client.post(unsubscribe_url(token)).status_code == 400
    assert is_subscribed(alice)


# Save to Read later


def test_opening_a_save_link_asks_first_and_saves_nothing(client, alice, papers):
    response = client.get(save_url(make_save_token(user_id=alice.pk, paper_id=papers[0].pk)))

    assertContains(response, "Save to Read later")
    assertContains(response, "Paper 1")
    assert saved_paper_ids(alice) == []


def test_the_save_button_saves_to_read_later_without_logging_in(alice, papers):
    client = Client(enforce_csrf_checks=True)
    url = save_url(make_save_token(user_id=alice.pk, paper_id=papers[0].pk))
    page = client.get(url)
    csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]

    response = client.post(url, {"csrfmiddlewaretoken": csrf_token})

    assertContains(response, "is on your “Read later” list")
    assert saved_paper_ids(alice) == [papers[0].pk]


def test_the_recipient_logged_in_lands_on_the_paper_with_a_message(papers, alice):
    client = Client()
    client.force_login(alice)

    response = client.post(save_url(make_save_token(user_id=alice.pk, paper_id=papers[0].pk)), follow=True)

    assert response.redirect_chain[-1][0] == papers[0].get_absolute_url()
    assertContains(response, "Saved to “Read later”: Paper 1")
    assert saved_paper_ids(alice) == [papers[0].pk]


def test_someone_else_logged_in_is_told_whose_list_it_goes_to(alice, bob, papers):
    client = Client()
    client.force_login(bob)
    url = save_url(make_save_token(user_id=alice.pk, paper_id=papers[0].pk))

    assertContains(client.get(url), "sent to another account")
    client.post(url)

    assert saved_paper_ids(alice) == [papers[0].pk]
    assert saved_paper_ids(bob) == []


def test_saving_twice_is_harmless(client, alice, papers):
    url = save_url(make_save_token(user_id=alice.pk, paper_id=papers[0].pk))

    client.post(url)
    client.post(url)

    assert saved_paper_ids(alice) == [papers[0].pk]


def test_every_save_link_in_the_email_saves_its_own_paper(
    client, alice, alice_subscribed, alice_recommended, papers, mailoutbox
):
    send_digest(user_id=alice.pk, period_key="day:2024-01-15")
    links = re.findall(r"Save to Read later:\s+(\S+)", mailoutbox[0].body)

    client.post(urlsplit(links[2]).path)

    assert len(links) == 5
    assert saved_paper_ids(alice) == [papers[2].pk]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_save_link_is_refused_and_saves_nothing(client, alice, papers, method):
    url = save_url(tampered(make_save_token(user_id=alice.pk, paper_id=papers[0].pk)))

    response = getattr(client, method)(url)

    assertContains(response, "This link does not work", status_code=400)
    assertNotContains(response, "Paper 1", status_code=400)
    assert saved_paper_ids(alice) == []


def test_a_save_link_for_another_paper_cannot_be_forged_from_a_real_one(client, alice, papers):
    # The payload is readable base64; changing it without the key breaks the signature.
    real = make_save_token(user_id=alice.pk, paper_id=papers[0].pk)
    _, rest = real.split(":", 1)
    forged_payload = base64.urlsafe_b64encode(json.dumps({"u": alice.pk, "p": papers[1].pk}).encode())
    forged = forged_payload.decode().rstrip("=") + ":" + rest

    assert client.post(save_url(forged)).status_code == 400
    assert saved_paper_ids(alice) == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_save_link_is_refused_and_saves_nothing(client, alice, papers, method, monkeypatch):
    token = made_days_ago(monkeypatch, 15, lambda: make_save_token(user_id=alice.pk, paper_id=papers[0].pk))

    response = getattr(client, method)(save_url(token))

    assertContains(response, "This link has expired", status_code=410)
    assert saved_paper_ids(alice) == []


def test_a_save_link_from_last_week_still_works(client, alice, papers, monkeypatch):
    token = made_days_ago(monkeypatch, 13, lambda: make_save_token(user_id=alice.pk, paper_id=papers[0].pk))

    client.post(save_url(token))

    assert saved_paper_ids(alice) == [papers[0].pk]


def test_a_save_link_to_a_deleted_paper_says_so(client, alice, papers):
    token = make_save_token(user_id=alice.pk, paper_id=papers[0].pk)
    papers[0].delete()

    assertContains(client.post(save_url(token)), "no longer leads anywhere", status_code=410)


def test_an_unsubscribe_link_cannot_save(client, alice):
    assert client.post(save_url(make_unsubscribe_token(user_id=alice.pk))).status_code == 400
