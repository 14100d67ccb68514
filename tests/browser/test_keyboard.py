"""The site with the keyboard only: Tab through the main pages, act on a card, every shortcut.

Focus must stay on the control that was used after htmx replaces it (or move to its counterpart, "Undo",
when the card turns into a notice), and no shortcut may fire while the reader types in a field.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from papers.models import Dismissal, ReadingList, ReadingListItem, Upvote
from tests.factories import PaperFactory, ReadingListFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

CURRENT = re.compile(r"\bis-current\b")


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element `selector` has focus; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def mark_page(page: Page) -> None:
    page.evaluate("window.__samePage = true")


def still_same_page(page: Page) -> bool:
    return page.evaluate("window.__samePage === true")


@pytest.mark.parametrize("url", ["/", "/trending/", "/feed/", "/lists/", "/account/", "/search/?q=grid"])
def test_tab_walks_the_main_pages_through_visible_controls_into_the_content(page, log_in, url):
    UserFactory(username="alice")
    PaperFactory(title="Grid cells and navigation")
    log_in("alice")
    page.goto(url)

    stops = []
    for _ in range(30):
        page.keyboard.press("Tab")
        box = page.evaluate(
            """() => { const e = document.activeElement; if (!e || e === document.body) return null;
                       const r = e.getBoundingClientRect();
                       return {w: r.width, h: r.height, inMain: !!e.closest('#content')}; }"""
        )
        if box is None:  # past the last control, back to the browser
            break
        assert box["w"] > 0 and box["h"] > 0, "focus went to something invisible"
        stops.append(box)
    assert len(stops) >= 8
    assert any(stop["inMain"] for stop in stops)


def test_a_card_is_used_with_the_keyboard_only_and_focus_stays_on_the_used_control(page, log_in):
    alice = UserFactory(username="alice")
    ReadingListFactory(owner=alice, name="Thesis")
    paper = PaperFactory(title="Grid cells and navigation", source_upvotes=4)
    log_in("alice")
    page.goto("/")
    mark_page(page)

    tab_to(page, f"#upvote-toggle-{paper.pk}")
    page.keyboard.press("Enter")
    expect(page.locator(f"#upvote-button-{paper.pk} .upvote__count")).to_have_text("5")
    expect(page.locator(f"#upvote-toggle-{paper.pk}")).to_be_focused()

    tab_to(page, f"#save-quick-{paper.pk}")
    page.keyboard.press("Enter")
    expect(page.locator(f"#save-quick-{paper.pk}")).to_contain_text("Saved")
    expect(page.locator(f"#save-quick-{paper.pk}")).to_be_focused()

    # The lists menu: open it, tick a list, Esc closes it and gives focus back to its summary.
    menu = page.locator(f"#save-control-{paper.pk} details.save-menu")
    tab_to(page, f"#save-control-{paper.pk} summary")
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    choice = page.locator(f"#save-control-{paper.pk} .save-menu__choice", has_text="Thesis")
    tab_to(page, f"#save-control-{paper.pk} .save-menu__choice[value='{thesis_key(alice)}']")
    page.keyboard.press("Enter")
    expect(choice).to_have_attribute("aria-pressed", "true")
    expect(choice).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator(f"#save-control-{paper.pk} details.save-menu")).not_to_have_attribute("open", "")
    expect(page.locator(f"#save-control-{paper.pk} summary")).to_be_focused()

    # "Not interested": the card becomes a notice and focus is on its Undo; Undo gives the card back.
    tab_to(page, f"#paper-card-{paper.pk} [data-key=dismiss]")
    page.keyboard.press("Enter")
    expect(page.locator(f"#paper-card-{paper.pk}")).to_contain_text("Hidden")
    expect(page.locator(f"#paper-card-{paper.pk} [data-key=undo]")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Grid cells and navigation")).to_be_visible()
    expect(page.locator(f"#paper-card-{paper.pk} [data-key=dismiss]")).to_be_focused()

    assert still_same_page(page)
    assert Upvote.objects.filter(user=alice, paper=paper).exists()
    assert ReadingListItem.objects.filter(reading_list__name="Thesis", paper=paper).exists()
    assert not Dismissal.objects.exists()


def thesis_key(user) -> str:
    return str(ReadingList.objects.get(owner=user, name="Thesis").pk)


def test_every_shortcut_works_and_none_fires_while_typing(page, log_in):
    alice = UserFactory(username="alice")
    first = PaperFactory(title="First paper", source_upvotes=30)
    second = PaperFactory(title="Second paper", source_upvotes=20)
    third = PaperFactory(title="Third paper", source_upvotes=10)
    log_in("alice")
    page.goto("/")
    mark_page(page)

    # j / k move between papers; the current one is marked and its title has focus.
    page.keyboard.press("j")
    expect(page.locator(f"#paper-card-{first.pk}")).to_have_class(CURRENT)
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator(f"#paper-card-{third.pk}")).to_have_class(CURRENT)
    page.keyboard.press("k")
    expect(page.locator(f"#paper-card-{second.pk} [data-key=open]")).to_be_focused()

    page.keyboard.press("u")
    expect(page.locator(f"#upvote-button-{second.pk} .upvote__count")).to_have_text("21")
    page.keyboard.press("s")
    expect(page.locator(f"#save-quick-{second.pk}")).to_contain_text("Saved")
    page.keyboard.press("x")
    expect(page.locator(f"#paper-card-{second.pk}")).to_contain_text("Hidden")
    # After hiding, j goes on from where the reader was.
    page.keyboard.press("j")
    expect(page.locator(f"#paper-card-{third.pk} [data-key=open]")).to_be_focused()
    assert still_same_page(page)
    assert Upvote.objects.filter(user=alice, paper=second).exists()
    assert ReadingListItem.objects.filter(reading_list__owner=alice, paper=second).exists()
    assert Dismissal.objects.filter(user=alice, paper=second).exists()

    # ? opens the help overlay, Esc closes it; its visible button opens it too.
    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()
    page.get_by_role("button", name="Keyboard shortcuts").click()
    expect(help_dialog).to_be_visible()
    help_dialog.get_by_role("button", name="Close keyboard shortcuts").click()
    expect(help_dialog).to_be_hidden()

    # / goes to the search box, where every key is just a letter.
    page.keyboard.press("/")
    expect(page.locator("#site-search-q")).to_be_focused()
    page.keyboard.type("jkusx?o")
    expect(page.locator("#site-search-q")).to_have_value("jkusx?o")
    expect(help_dialog).to_be_hidden()
    assert not Upvote.objects.filter(user=alice, paper=third).exists()
    page.locator("#site-search-q").fill("")

    # o opens the current paper.
    page.locator(f"#paper-card-{third.pk} [data-key=open]").focus()
    page.keyboard.press("o")
    page.wait_for_url(f"**{third.get_absolute_url()}")


def test_shortcuts_leave_a_note_being_typed_alone(page, log_in):
    alice = UserFactory(username="alice")
    reading_list = ReadingListFactory(owner=alice, name="Thesis")
    paper = PaperFactory(title="Grid cells and navigation")
    ReadingListItem.objects.create(reading_list=reading_list, paper=paper)
    log_in("alice")
    page.goto(f"/lists/{reading_list.pk}/")
    mark_page(page)

    page.get_by_text("Add a note").click()
    page.locator("textarea").type("just skimmed: o u s x j k / ?")

    expect(page.locator("textarea")).to_have_value("just skimmed: o u s x j k / ?")
    assert still_same_page(page)
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_hidden()


def test_the_compact_listing_is_remembered(page, log_in):
    UserFactory(username="alice")
    PaperFactory(title="Grid cells and navigation")
    log_in("alice")
    page.goto("/")
    abstract = page.locator(".paper-card__abstract").first
    expect(abstract).to_be_visible()

    page.get_by_role("button", name="Compact list").click()

    expect(abstract).to_be_hidden()
    expect(page.get_by_role("button", name="Compact list")).to_have_attribute("aria-pressed", "true")
    page.goto("/trending/")
    expect(page.locator(".paper-card__abstract").first).to_be_hidden()
    page.get_by_role("button", name="Compact list").click()
    expect(page.locator(".paper-card__abstract").first).to_be_visible()
