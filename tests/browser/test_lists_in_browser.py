"""Upvotes, saves and list items in headless Chromium: updated in place by htmx, no page load."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from papers.models import Dismissal, ReadingList, ReadingListItem, Upvote
from tests.factories import PaperFactory, ReadingListFactory, ReadingListItemFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def mark_page(page):
    """Set a variable that only survives while no navigation or reload happens."""
    page.evaluate("window.__samePage = true")


def still_same_page(page) -> bool:
    return page.evaluate("window.__samePage === true")


def test_an_upvote_updates_the_count_in_place(page, log_in):
    alice = UserFactory(username="alice")
    paper = PaperFactory(source_upvotes=9)
    log_in("alice")
    page.goto("/")
    button = page.locator(f"#upvote-button-{paper.pk} button")
    expect(button).to_have_attribute("aria-pressed", "false")
    mark_page(page)

    button.click()

    expect(page.locator(f"#upvote-button-{paper.pk} .upvote__count")).to_have_text("10")
    expect(page.locator(f"#upvote-button-{paper.pk} button")).to_have_attribute("aria-pressed", "true")
    assert still_same_page(page)
    assert Upvote.objects.filter(user=alice, paper=paper).exists()

    page.locator(f"#upvote-button-{paper.pk} button").click()

    expect(page.locator(f"#upvote-button-{paper.pk} .upvote__count")).to_have_text("9")
    assert still_same_page(page)
    assert not Upvote.objects.exists()


def test_an_anonymous_upvote_goes_through_log_in_and_back(page):
    UserFactory(username="alice")
    paper = PaperFactory(title="Back where I was")
    page.goto("/trending/")

    page.locator(f"#upvote-button-{paper.pk} button").click()

    page.wait_for_url("**/accounts/login/?next=/trending/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("form [type=submit]")
    page.wait_for_url("**/trending/")
    expect(page.get_by_role("link", name="Back where I was")).to_be_visible()
    assert not Upvote.objects.exists()


def test_a_paper_is_saved_into_a_new_list_from_its_card(page, log_in):
    alice = UserFactory(username="alice")
    paper = PaperFactory()
    log_in("alice")
    page.goto("/")
    control = page.locator(f"#save-control-{paper.pk}")
    mark_page(page)

    control.locator("summary").click()
    control.get_by_label("New list").fill("Thesis reading")
    control.get_by_role("button", name="Create the list and save the paper on it").click()

    expect(control.locator("summary")).to_contain_text("In 1 list")
    expect(control.get_by_role("button", name="Thesis reading")).to_have_attribute("aria-pressed", "true")
    assert still_same_page(page)
    created = ReadingList.objects.get(owner=alice, name="Thesis reading")
    assert list(created.items.values_list("paper_id", flat=True)) == [paper.pk]

    # The quick save on the same control, still without a page load.
    control.get_by_role("button", name="Save to Read later").click()
    expect(control.get_by_role("button", name="Saved to Read later")).to_be_visible()
    assert still_same_page(page)
    assert ReadingList.objects.get(owner=alice, is_default=True).items.filter(paper=paper).exists()


def test_an_items_status_changes_in_place_and_persists(page, log_in):
    alice = UserFactory(username="alice")
    item = ReadingListItemFactory(reading_list=ReadingListFactory(owner=alice, name="Thesis"))
    log_in("alice")
    page.goto(f"/lists/{item.reading_list_id}/")
    mark_page(page)

    page.locator(f"#status-{item.pk}-reading").click()

    expect(page.locator(f"#status-{item.pk}-reading")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#status-{item.pk}-to_read")).to_have_attribute("aria-pressed", "false")
    assert still_same_page(page)
    item.refresh_from_db()
    assert item.status == ReadingListItem.Status.READING

    page.reload()
    expect(page.locator(f"#status-{item.pk}-reading")).to_have_attribute("aria-pressed", "true")


def test_a_note_is_saved_in_place(page, log_in):
    alice = UserFactory(username="alice")
    item = ReadingListItemFactory(reading_list=ReadingListFactory(owner=alice))
    log_in("alice")
    page.goto(f"/lists/{item.reading_list_id}/")
    mark_page(page)
    row = page.locator(f"#list-item-{item.pk}")

    row.get_by_text("Add a note").click()
    row.locator("textarea").fill("Check the second experiment.")
    row.get_by_role("button", name="Save note").click()

    expect(row.locator(".item-note__text")).to_have_text("Check the second experiment.")
    assert still_same_page(page)


def test_moving_an_item_up_reorders_in_place(page, log_in):
    alice = UserFactory(username="alice")
    reading_list = ReadingListFactory(owner=alice)
    first, second = (
        ReadingListItemFactory(
            reading_list=reading_list, position=0, paper=PaperFactory(title="First paper")
        ),
        ReadingListItemFactory(
            reading_list=reading_list, position=1, paper=PaperFactory(title="Second paper")
        ),
    )
    log_in("alice")
    page.goto(f"/lists/{reading_list.pk}/")
    mark_page(page)

    page.locator(f"#move-up-{second.pk}").click()

    expect(page.locator(".list-item__title").first).to_have_text("Second paper")
    assert still_same_page(page)
    assert list(reading_list.items.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]


def test_not_interested_hides_the_card_and_undo_brings_it_back(page, log_in):
    alice = UserFactory(username="alice")
    paper = PaperFactory(title="Maybe later")
    log_in("alice")
    page.goto("/")
    mark_page(page)
    card = page.locator(f"#paper-card-{paper.pk}")

    card.get_by_role("button", name="Not interested").click()

    expect(card).to_contain_text("Hidden")
    assert Dismissal.objects.filter(user=alice, paper=paper).exists()

    card.get_by_role("button", name="Undo").click()

    expect(card.get_by_role("link", name="Maybe later")).to_be_visible()
    assert still_same_page(page)
    assert not Dismissal.objects.exists()


def test_status_counts_follow_a_status_changed_in_place(page, log_in):
    alice = UserFactory(username="alice")
    reading_list = ReadingListFactory(owner=alice, name="Thesis")
    item = ReadingListItemFactory(reading_list=reading_list)
    ReadingListItemFactory(reading_list=reading_list)
    log_in("alice")
    page.goto(f"/lists/{reading_list.pk}/")
    tabs = page.get_by_role("navigation", name="Reading status")
    expect(tabs.locator("[data-status=to_read] .segmented__count")).to_have_text("2")
    expect(tabs.locator("[data-status=read] .segmented__count")).to_have_text("0")
    mark_page(page)

    page.locator(f"#status-{item.pk}-read").click()

    expect(tabs.locator("[data-status=read] .segmented__count")).to_have_text("1")
    expect(tabs.locator("[data-status=to_read] .segmented__count")).to_have_text("1")
    expect(tabs.locator("[data-status=all] .segmented__count")).to_have_text("2")
    expect(page.locator(f"#status-{item.pk}-read")).to_be_focused()
    assert still_same_page(page)


def test_a_first_digest_subscription_starts_in_the_browsers_time_zone(browser, live_server):
    from django.conf import settings
    from django.test import Client

    alice = UserFactory(username="alice")
    client = Client()
    client.force_login(alice)
    context = browser.new_context(base_url=live_server.url, timezone_id="Asia/Tokyo")
    cookie = settings.SESSION_COOKIE_NAME
    context.add_cookies([{"name": cookie, "value": client.cookies[cookie].value, "url": live_server.url}])
    page = context.new_page()
    page.goto("/account/digest/")

    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    page.get_by_label("Daily").check()
    page.get_by_role("button", name="Save digest settings").click()

    expect(page.get_by_text("Your digest will arrive at the time you chose.")).to_be_visible()
    subscription = alice.digest_subscription
    subscription.refresh_from_db()
    assert (subscription.enabled, subscription.time_zone) == (True, "Asia/Tokyo")
    context.close()
