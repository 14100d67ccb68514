"""What every page shares: the header, htmx from our own static files, no inline script or style."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from pytest_django.asserts import assertContains

from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/trending/",
    "/search/",
    "/search/?q=cells",
    "/abs/2401.00001/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password_reset/",
    "/no-such-page/",
]


@pytest.fixture(autouse=True)
def _a_paper():
    PaperFactory(arxiv_id="2401.00001", title="Grid cells")


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_the_header_with_search_and_navigation(client, url):
    response = client.get(url)

    assertContains(
        response,
        '<form class="site-search" action="/search/" method="get" role="search">',
        status_code=response.status_code,
    )
    assertContains(response, 'href="/trending/"', status_code=response.status_code)
    assertContains(response, 'href="/accounts/login/', status_code=response.status_code)


@pytest.mark.parametrize("url", PAGES)
def test_every_page_loads_htmx_from_our_static_files_and_sends_the_csrf_token(client, url):
    body = client.get(url).content.decode()

    assert '<script src="/static/vendor/htmx.min.js" defer></script>' in body
    assert re.search(r"""<body hx-headers='\{"X-CSRFToken": "[A-Za-z0-9]{32,64}"\}'>""", body)


@pytest.mark.parametrize("url", PAGES)
def test_no_page_has_inline_script_or_style(client, url):
    body = client.get(url).content.decode()

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
    assert "<style" not in body
    assert " style=" not in body
    assert " on" + "click=" not in body


def test_htmx_is_vendored_with_its_license():
    vendor = Path(settings.BASE_DIR) / "static" / "vendor"
    script = (vendor / "htmx.min.js").read_text()

    assert script.startswith("/*! htmx 2.")
    assert "Zero-Clause BSD" in script.splitlines()[0]
    assert (vendor / "htmx.LICENSE.txt").exists()


def test_the_404_page_is_friendly(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assertContains(response, "Search papers instead", status_code=404)


def test_the_500_page_renders_without_a_request():
    from django.template.loader import render_to_string

    assert "Something went wrong" in render_to_string("500.html")
