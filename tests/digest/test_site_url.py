"""SITE_URL names the host in every email link; a value that is not a web address stops the start."""

from __future__ import annotations

from tests.test_settings import manage


def test_a_site_url_without_a_scheme_fails_at_start_naming_it():
    result = manage("check", env={"DEBUG": "true", "SITE_URL": "papers.example.org"})

    assert result.returncode != 0
    assert "SITE_URL must start with https:// or http://" in result.stderr


def test_a_trailing_slash_is_dropped_so_links_have_one_slash():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SITE_URL)",
        env={"DEBUG": "true", "SITE_URL": "https://papers.example.org/"},
    )

    assert result.stdout.strip().splitlines()[-1] == "https://papers.example.org"
