"""Discovery in headless Chromium: a reader follows an author and saves a search; papers imported later
by the real import path (`import_papers` on a small file) appear in their feed, marked with the alert's
name."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from papers.models import Alert
from tests.factories import PaperFactory, UserFactory
from tests.importers.paths import FIXTURES

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PAPERS = FIXTURES / "discovery_new_papers.jsonl"


def test_a_followed_author_and_a_saved_search_bring_new_papers_to_the_feed(page, log_in):
    PaperFactory(
        title="A compiler for mathematical programs",
        authors=["Grace Hopper"],
        listed_on=datetime.date(2024, 1, 10),
    )
    reader = UserFactory(username="reader")
    log_in("reader")

    # The author's name on the card leads to their page, where the reader follows them (htmx, in place).
    page.goto("/day/2024-01-10/")
    page.get_by_role("link", name="Grace Hopper").first.click()
    expect(page).to_have_url("/authors/grace-hopper/")
    page.evaluate("window.__samePage = true")
    page.get_by_role("button", name="Follow").click()
    expect(page.get_by_role("button", name="Following · Unfollow")).to_be_visible()
    assert page.evaluate("window.__samePage === true"), "followed without a page load"

    # A search with no results yet, saved as an alert under its own name.
    page.goto("/search/?q=spiking+neurons")
    page.get_by_label("Alert name").fill("Spiking hardware")
    page.get_by_role("button", name="Save as an alert").click()
    expect(page).to_have_url("/alerts/")
    expect(page.locator("#saved-searches ~ ul, .panel").first).to_contain_text("Spiking hardware")
    assert set(Alert.objects.filter(user=reader).values_list("name", flat=True)) == {
        "Grace Hopper",
        "Spiking hardware",
    }

    # The next import brings three papers: one by her, one about spiking neurons, one about neither.
    call_command("import_papers", str(NEW_PAPERS), "--no-progress", "--no-identify")

    page.goto("/feed/")
    alerts = page.locator("#feed-alerts")
    expect(alerts).to_contain_text("From your alerts")
    spiking = alerts.locator(".feed-alerts__item", has_text="Compiling spiking neurons onto neuromorphic")
    expect(spiking.locator(".feed-alert-names")).to_have_text("Alert: Spiking hardware")
    hopper = alerts.locator(".feed-alerts__item", has_text="Program synthesis for the working programmer")
    expect(hopper.locator(".feed-alert-names")).to_have_text("Alert: Grace Hopper")
    expect(alerts).not_to_contain_text("Protein folding with diffusion")
