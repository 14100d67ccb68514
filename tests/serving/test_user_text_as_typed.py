"""What a reader types is shown as typed: a list name or a query string that looks like something the
page machinery might use (a CSRF stand-in, a slot comment) is still only text."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from papers.lists.operations import reading_list_add
from tests.factories import ReadingListFactory
from tests.serving.conftest import DAY

pytestmark = pytest.mark.django_db

TYPED = [
    "csrf-token-stand-in",
    "csrftokenstandin",
    "<!--next-->",
    "<!--upvote-button-->",
    "<!--quick-save:1-->",
    "<!--save-menu-choices-->",
    "reader-name",
]


def shown(text: str) -> str:
    return html.escape(text, quote=True)


@pytest.mark.parametrize("name", TYPED)
def test_a_list_name_shows_as_typed_on_every_page(served, listed, alice, alice_client, name):
    reading_list = ReadingListFactory(owner=alice, name=name)
    reading_list_add(reading_list=reading_list, paper=listed[5])

    for url in ["/", f"/day/{DAY.isoformat()}/", "/trending/", listed[0].get_absolute_url(), "/feed/"]:
        page = alice_client.get(url).content.decode()
        names = re.findall(r'<span class="save-menu__name">(.*?)</span>', page)
        assert names, url
        assert shown(name) in names, f"{url} shows the list as {names}"
    index = alice_client.get("/lists/").content.decode()
    assert shown(name) in index
    detail = alice_client.get(f"/lists/{reading_list.pk}/").content.decode()
    assert f"<h1>{shown(name)}" in detail or f">{shown(name)}<" in detail


@pytest.mark.parametrize("typed", TYPED)
def test_a_query_string_shows_as_typed_in_the_pages_links(served, listed, alice_client, client, typed):
    for viewer in (alice_client, client):
        page = viewer.get(f"/day/{DAY.isoformat()}/", {"from": typed}).content.decode()
        # Every form returns the reader to the page they were on, query string and all.
        returns = re.findall(r'name="next" value="([^"]*)"', page)
        assert returns
        for value in returns:
            assert parse_qs(urlsplit(html.unescape(value)).query) == {"from": [typed]}, value

        results = viewer.get("/search/", {"q": f"attention {typed}"}).content.decode()
        box = re.search(r'<input[^>]*name="q"[^>]*value="([^"]*)"', results)
        assert box and html.unescape(box.group(1)) == f"attention {typed}"
