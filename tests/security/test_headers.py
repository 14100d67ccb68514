"""Security headers on real pages, production cookie and HSTS settings, and templates the CSP can serve."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from pytest_django.asserts import assertContains

from papers.models import ReadingList
from tests.factories import PaperFactory
from tests.security.conftest import HTMX
from tests.test_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
EXPECTED_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    directives = (part.strip() for part in response["Content-Security-Policy"].split(";"))
    return dict(directive.split(" ", 1) for directive in directives if directive)


def assert_secure_headers(response) -> None:
    assert policy(response) == EXPECTED_POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.fixture
def pages(alice):
    paper = PaperFactory(arxiv_id="2401.00042", title="Grid cells and place cells")
    reading_list = ReadingList.objects.create(owner=alice, name="Navigation")
    return {
        "home": "/",
        "paper page": paper.get_absolute_url(),
        "search": "/search/?q=grid+cells",
        "login": "/accounts/login/",
        "sign-up": "/accounts/signup/",
        "list page": f"/lists/{reading_list.pk}/",
    }


@pytest.mark.parametrize("page", ["home", "paper page", "search", "login", "sign-up", "list page"])
def test_every_page_has_the_security_headers(page, pages, alice):
    client = Client()
    client.force_login(alice)
    if page in ("login", "sign-up"):
        client = Client()

    response = client.get(pages[page])

    assert response.status_code == 200
    assert_secure_headers(response)


def test_htmx_fragments_have_the_security_headers_too(client, pages):
    response = client.get(pages["search"], headers={**HTMX, "HX-Target": "search-results"})

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert_secure_headers(response)


def test_hsts_is_sent_over_https_with_production_values(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    response = client.get("/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_the_session_and_csrf_cookies_are_http_only_and_same_site(client, alice):
    login_page = client.get("/accounts/login/")
    logged_in = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery staple"}
    )

    csrf = login_page.cookies[settings.CSRF_COOKIE_NAME]
    session = logged_in.cookies[settings.SESSION_COOKIE_NAME]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    assert session["httponly"] and session["samesite"] == "Lax"


def test_production_settings_make_cookies_secure_and_send_hsts_and_the_policy():
    names = [
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "X_FRAME_OPTIONS",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
        "SECURE_REFERRER_POLICY",
        "CSRF_COOKIE_HTTPONLY",
        "CONTENT_SECURITY_POLICY",
        "MIDDLEWARE",
    ]
    dump = "import json; from django.conf import settings as s; print(json.dumps("
    code = dump + f"{{n: getattr(s, n) for n in {names}}}))"

    result = manage("shell", "--verbosity", "0", "-c", code, env=PRODUCTION)

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] and values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    directives = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert {name: " ".join(sources) for name, sources in directives.items()} == EXPECTED_POLICY
    assert "csp.middleware.CSPMiddleware" in values["MIDDLEWARE"]


def test_production_refuses_a_per_process_cache_for_the_rate_limits():
    result = manage("check", env={**PRODUCTION, "CACHE_URL": "locmem://"})

    assert result.returncode != 0
    assert "CACHE_URL must name a cache every process shares" in result.stderr


# Templates: anything the policy would block must not be there in the first place.
TEMPLATE_DIRS = [ROOT / "templates", *(ROOT / app / "templates" for app in ("papers", "recommender"))]
TEMPLATE_COMMENT = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.DOTALL)
BLOCKED = {
    "an inline <script>": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "a <style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "a style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "an inline event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "hx-on (evaluated by htmx)": re.compile(r"\shx-on[:-]", re.IGNORECASE),
}


def template_files() -> list[Path]:
    return sorted(path for folder in TEMPLATE_DIRS if folder.is_dir() for path in folder.rglob("*.html"))


def test_the_template_scan_finds_the_templates():
    assert ROOT / "templates" / "base.html" in template_files()
    assert len(template_files()) > 20


@pytest.mark.parametrize("path", template_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_has_inline_script_or_style(path):
    text = TEMPLATE_COMMENT.sub("", path.read_text())

    found = [what for what, pattern in BLOCKED.items() if pattern.search(text)]

    assert not found, (
        f"{path.relative_to(ROOT)} has {', '.join(found)}, which the Content-Security-Policy blocks"
    )


def test_the_scan_would_catch_inline_scripts_and_styles():
    samples = {
        "an inline <script>": "<script>alert(1)</script>",
        "a <style> element": "<style>p {}</style>",
        "a style attribute": '<p style="color: red">',
        "an inline event handler": '<button onclick="go()">',
        "a javascript: URL": '<a href="javascript:go()">',
        "hx-on (evaluated by htmx)": '<div hx-on:click="go()">',
    }
    for what, sample in samples.items():
        assert BLOCKED[what].search(sample), what
    assert not BLOCKED["an inline <script>"].search(
        '<script src="/static/vendor/htmx.min.js" defer></script>'
    )


def test_htmx_is_configured_not_to_inject_styles_or_evaluate_code(client):
    response = client.get("/")

    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", response.content.decode())
    assert meta, "base.html must configure htmx"
    config = json.loads(meta[1])
    assert config["includeIndicatorStyles"] is False
    assert config["allowEval"] is False
    # htmx and our script come from our own static files, as script-src 'self' requires.
    assertContains(
        response, f'<script src="{settings.STATIC_URL}vendor/htmx.min.js" defer></script>', html=True
    )
    assert (ROOT / "static" / "vendor" / "htmx.min.js").is_file()
