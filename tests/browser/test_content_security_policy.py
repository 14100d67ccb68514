"""The Content-Security-Policy in a real browser: pages and htmx swaps work, and Chromium reports no
violation (htmx's indicator style, inline scripts or styles anywhere would each be one)."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, expect

from papers.models import ReadingList, ReadingListItem, Upvote
from tests.factories import PaperFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_pages_and_htmx_swaps_run_under_the_policy_without_a_violation(page, log_in):
    violations: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(message.text)

    page.on("console", watch)
    alice = UserFactory(username="alice")
    paper = PaperFactory(title="Grid cells and navigation", source_upvotes=2)
    reading_list = ReadingList.objects.create(owner=alice, name="Navigation")
    ReadingListItem.objects.create(reading_list=reading_list, paper=paper)

    log_in("alice")
    page.goto("/")
    assert page.evaluate("typeof htmx") == "object"  # our own htmx ran
    page.locator(f"#upvote-button-{paper.pk} button").click()
    expect(page.locator(f"#upvote-button-{paper.pk} .upvote__count")).to_have_text("3")
    page.goto("/search/")
    page.fill("#site-search-q", "grid")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Grid cells and navigation").first).to_be_visible()
    page.goto(f"/lists/{reading_list.pk}/")
    page.goto(paper.get_absolute_url())
    page.goto(f"/lists/{reading_list.pk}/import/")

    assert Upvote.objects.filter(user=alice, paper=paper).exists()
    assert violations == []
