"""/account/digest/: opting in, and every bad value refused with a clear message and nothing saved."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

from papers.models import DigestSubscription
from tests.digest.factories import subscribe

pytestmark = pytest.mark.django_db

URL = "/account/digest/"
VALID = {
    "frequency": "weekly",
    "hour": "8",
    "weekday": "4",
    "time_zone": "Europe/Berlin",
    "size": "12",
}


def test_it_asks_anonymous_visitors_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/account/digest/")


def test_the_digest_is_off_by_default(alice, alice_client):
    response = alice_client.get(URL)

    assert response.status_code == 200
    assert response.context["form"]["frequency"].value() == "off"
    assertContains(response, '<option value="Europe/Berlin">Europe/Berlin</option>', html=True)
    assert not DigestSubscription.objects.exists()


def test_it_saves_a_weekly_digest(alice, alice_client):
    response = alice_client.post(URL, VALID, follow=True)

    assertContains(response, "Your digest will arrive at the time you chose.")
    subscription = DigestSubscription.objects.get(user=alice)
    assert (subscription.enabled, subscription.frequency, subscription.hour) == (True, "weekly", 8)
    assert (subscription.weekday, subscription.time_zone, subscription.size) == (4, "Europe/Berlin", 12)


def test_it_turns_the_digest_off_and_keeps_the_rest(alice, alice_client):
    subscribe(alice, hour=21)

    alice_client.post(URL, VALID | {"frequency": "off", "hour": "21"})

    subscription = DigestSubscription.objects.get(user=alice)
    assert (subscription.enabled, subscription.hour, subscription.frequency) == (False, 21, "daily")


def test_choosing_daily_is_enough_to_get_a_digest(alice, alice_client):
    """There is no separate box to tick: "Daily" on its own must never save "no digest"."""
    response = alice_client.post(URL, VALID | {"frequency": "daily"}, follow=True)

    assertContains(response, "Your digest will arrive at the time you chose.")
    subscription = DigestSubscription.objects.get(user=alice)
    assert (subscription.enabled, subscription.frequency) == (True, "daily")


def test_the_saved_choice_is_checked_when_the_page_comes_back(alice, alice_client):
    subscribe(alice, frequency="weekly")

    response = alice_client.get(URL)

    assert re.search(r'<input[^>]*value="weekly"[^>]*checked', response.content.decode())
    assert not re.search(r'<input[^>]*value="off"[^>]*checked', response.content.decode())
    # An existing subscription keeps its zone: only a first one asks the browser.
    assert "data-browser-time-zone" not in response.content.decode()


def test_a_first_subscription_asks_the_browser_for_its_time_zone(alice_client):
    assertContains(alice_client.get(URL), "data-browser-time-zone")


def test_a_missing_frequency_is_refused(alice, alice_client):
    response = alice_client.post(URL, {k: v for k, v in VALID.items() if k != "frequency"})

    assertContains(response, "This field is required.")
    assert not DigestSubscription.objects.exists()


def test_the_page_shows_the_saved_settings(alice, alice_client):
    subscribe(alice, hour=6, time_zone="America/New_York")

    response = alice_client.get(URL)
    form = response.context["form"]

    assert (form["hour"].value(), form["time_zone"].value()) == (6, "America/New_York")
    # The time zones' select is written by a template of ours (papers.digest.forms.TimeZoneSelect).
    assertContains(response, '<option value="America/New_York" selected>America/New York</option>', html=True)
    assertContains(response, '<option value="Europe/Berlin">Europe/Berlin</option>', html=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hour", "24", "Choose an hour from 0 to 23."),
        ("hour", "-1", "Choose an hour from 0 to 23."),
        ("hour", "eight", "Choose an hour from 0 to 23."),
        ("size", "4", "Send at least 5 papers."),
        ("size", "51", "Send at most 50 papers."),
        ("size", "", "This field is required."),
        ("time_zone", "Mars/Olympus_Mons", "“Mars/Olympus_Mons” is not a time zone we know."),
        ("frequency", "hourly", "Choose no digest, daily or weekly."),
        ("weekday", "7", "Choose a day of the week."),
    ],
)
def test_a_bad_value_is_refused_with_a_clear_message_and_nothing_saved(
    alice, alice_client, field, value, message
):
    subscribe(alice, enabled=False, hour=7)

    response = alice_client.post(URL, VALID | {field: value})

    assert response.status_code == 200
    assertContains(response, message)
    subscription = DigestSubscription.objects.get(user=alice)
    assert (subscription.enabled, subscription.hour, subscription.frequency) == (False, 7, "daily")


def test_a_bad_value_creates_no_subscription(alice, alice_client):
    alice_client.post(URL, VALID | {"hour": "24"})

    assert not DigestSubscription.objects.exists()


def test_the_form_needs_a_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post(URL, VALID).status_code == 403
    assert not DigestSubscription.objects.exists()


def test_the_account_page_links_to_the_digest_settings(alice_client):
    assertContains(alice_client.get("/account/"), 'href="/account/digest/"')
