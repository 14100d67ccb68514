"""SITE_URL names the host in every email link; a value that is not a web address stops the start."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

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


def make_site_url(*arguments: str, env: dict[str, str]) -> str:
    repo = Path(__file__).resolve().parents[2]
    clean = {key: value for key, value in os.environ.items() if key not in {"SITE_URL", "PORT", "HOST"}}
    result = subprocess.run(
        ["make", "-s", "--no-print-directory", "-C", str(repo), "site-url", *arguments],
        env=clean | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_make_run_on_another_port_makes_links_to_that_port():
    """`make run PORT=8024` serves on 8024, so digest and feed links made under make point there."""
    assert make_site_url("PORT=8024", env={}) == "http://127.0.0.1:8024"
    assert make_site_url(env={}) == "http://127.0.0.1:8000"


def test_a_site_url_set_in_the_environment_wins_over_the_port():
    assert make_site_url("PORT=8024", env={"SITE_URL": "https://papers.example.org"}) == (
        "https://papers.example.org"
    )
