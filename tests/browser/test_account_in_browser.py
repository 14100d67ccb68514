"""The account page in Chromium: subscribe links shown whole, each with a working Copy button."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from papers.models import Profile
from tests.factories import ReadingListFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_subscribe_link_is_copied_with_its_button(page, log_in):
    alice = UserFactory(username="alice")
    reading_list = ReadingListFactory(owner=alice, name="Thesis")
    log_in("alice")
    page.goto("/account/")
    token = Profile.objects.get(user=alice).feed_token
    link = page.locator(f"#subscribe-{reading_list.pk}")
    expect(link).to_contain_text(f"/lists/{reading_list.pk}/export.bib?token=")

    page.get_by_role("button", name="Copy the BibTeX subscribe link for Thesis").click()
    copy = page.locator(f"[data-copy=subscribe-{reading_list.pk}]")  # its name changes with its label

    # The link is selected and the button says what happened: "Copied", or where the browser keeps its
    # clipboard closed (headless Chromium), "Press Ctrl+C" with the link ready for it.
    expect(copy).to_contain_text(re.compile("Copied|Press Ctrl\\+C"))
    selected = page.evaluate("window.getSelection().toString()")
    assert selected.endswith(f"/lists/{reading_list.pk}/export.bib?token={token}")
    # The whole link is visible: its box wraps it, never cuts it.
    assert link.evaluate("e => e.scrollWidth <= e.clientWidth")
