"""Every page of the site on a 390 px phone, logged in: nothing is wider than the screen.

One parametrized test over the URL list. The reader's data is made long on purpose (a long list name,
notes, a digest subscription, every status, a shared list, many authors) since long text is what
pushes a page sideways.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import Client

from papers.digest.tokens import make_save_token, make_unsubscribe_token
from papers.lists.operations import default_reading_list
from papers.models import DigestSubscription, Dismissal, ReadingListItem
from tests.factories import PaperFactory, ReadingListFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DAY = datetime.date(2024, 1, 10)

PAGES = {
    "daily": lambda w: "/",
    "day": lambda w: f"/day/{DAY.isoformat()}/",
    "week": lambda w: "/week/2024-W02/",
    "month": lambda w: "/month/2024-01/",
    "trending": lambda w: "/trending/",
    "search": lambda w: "/search/?q=navigation",
    "search-empty": lambda w: "/search/",
    "paper": lambda w: w["paper"].get_absolute_url(),
    "paper-save": lambda w: f"/papers/{w['paper'].pk}/save/",
    "feed": lambda w: "/feed/",
    "onboarding": lambda w: "/onboarding/",
    "lists": lambda w: "/lists/",
    "list-new": lambda w: "/lists/new/",
    "list": lambda w: f"/lists/{w['list'].pk}/",
    "list-filtered": lambda w: f"/lists/{w['list'].pk}/?status=read&sort=title",
    "list-edit": lambda w: f"/lists/{w['list'].pk}/edit/",
    "list-delete": lambda w: f"/lists/{w['list'].pk}/delete/",
    "list-import": lambda w: f"/lists/{w['list'].pk}/import/",
    "shared-list": lambda w: f"/shared/{w['list'].share_token}/",
    "hidden": lambda w: "/hidden/",
    "account": lambda w: "/account/",
    "digest-settings": lambda w: "/account/digest/",
    "account-delete": lambda w: "/account/delete/",
    "password-change": lambda w: "/accounts/password_change/",
    "digest-save": lambda w: f"/digest/save/{make_save_token(user_id=w['user'].pk, paper_id=w['paper'].pk)}/",
    "digest-unsubscribe": lambda w: f"/digest/unsubscribe/{make_unsubscribe_token(user_id=w['user'].pk)}/",
    "not-found": lambda w: "/lists/999999/",
    "login": lambda w: "/accounts/login/",
    "signup": lambda w: "/accounts/signup/",
    "password-reset": lambda w: "/accounts/password_reset/",
}


def make_world() -> dict:
    alice = UserFactory(username="alice_with_a_rather_long_username", email="alice.longname@example.org")
    many_authors = [f"Author Number{n} Lastname-Hyphenated" for n in range(14)]
    paper = PaperFactory(
        title="Grid cells and navigation: a very long title about place cells, head direction and paths",
        authors=many_authors,
        categories=["cs.LG", "q-bio.NC", "cs.AI", "cs.NE", "stat.ML"],
        listed_on=DAY,
        source_upvotes=12,
        code_url="https://github.com/example/grid-cells-and-navigation-with-a-long-repository-name",
    )
    others = [PaperFactory(title=f"Navigation paper {n}", listed_on=DAY) for n in range(4)]
    reading_list = ReadingListFactory(
        owner=alice, name="Thesis chapter three: spatial navigation and memory consolidation in rodents"
    )
    reading_list.share_token = "shared-token-for-the-phone-width-test"
    reading_list.save()
    statuses = list(ReadingListItem.Status)
    for position, (item_paper, status) in enumerate(zip([paper, *others], statuses * 2, strict=False)):
        ReadingListItem.objects.create(
            reading_list=reading_list,
            paper=item_paper,
            position=position,
            status=status,
            note="Check the second experiment; compare with https://example.org/a/very/long/link/to/a/figure",
        )
    default_reading_list(alice)
    Dismissal.objects.create(user=alice, paper=others[-1])
    DigestSubscription.objects.create(user=alice, enabled=True, time_zone="America/Argentina/Buenos_Aires")
    return {"user": alice, "paper": paper, "list": reading_list}


@pytest.mark.parametrize("name", list(PAGES))
def test_no_page_is_wider_than_a_phone(browser, live_server, name):
    world = make_world()
    client = Client()
    client.force_login(world["user"])
    cookie = settings.SESSION_COOKIE_NAME
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.add_cookies([{"name": cookie, "value": client.cookies[cookie].value, "url": live_server.url}])
    page = context.new_page()
    try:
        response = page.goto(PAGES[name](world))
        assert response is not None and response.status < 500
        widths = page.evaluate(
            "({document: document.documentElement.scrollWidth, viewport: window.innerWidth})"
        )
        assert widths["document"] <= widths["viewport"], f"{name} is {widths['document']} px wide"
    finally:
        context.close()


def test_the_sticky_header_leaves_a_phone_most_of_its_screen(browser, live_server):
    """Scrolled down, only the navigation row stays: the search row scrolls away under it."""
    make_world()
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto("/")
        full = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
        page.mouse.wheel(0, 800)
        page.wait_for_function("window.scrollY > 200")
        visible = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().bottom")
        assert visible <= 60, f"the header still covers {visible} px"
        assert full <= 110, f"the whole header is {full} px tall"
        assert page.locator(".site-nav").is_visible()
    finally:
        context.close()
