"""BibTeX titles are LaTeX, converted to text with pylatexenc; a hostile title must not hold a worker.

The attack of issue 20 (case 1): a title of `x`s, then `\\frac{` a hundred times and as many `}`. Cut to 500
characters, it left `\\frac{` unclosed, and pylatexenc's recovery from unclosed groups takes time
exponential in their number (16 of them: seven seconds; 20: past gunicorn's timeout). Now an entry whose
title is too long or too deeply nested is reported back, the others are added, and the request is quick
whichever way the file comes in: a list import's upload, pasted BibTeX, the onboarding upload.
"""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.asserts import assertContains

from papers.lists.imports.parse import parse_bibtex
from papers.models import ReadingList
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

# The bound for any one request.
SECONDS = 1.0


def bomb(n: int) -> str:
    """The issue's title: balanced braces, 6n + n characters of LaTeX after the padding."""
    return "x" * (500 - 6 * n) + "\\frac{" * n + "}" * n


def nested(depth: int) -> str:
    return "\\frac{" * depth + "x" + "}{y}" * depth


def bib(*titles: str) -> str:
    good = "@article{good, title={Attention Is All You Need}, eprint={1706.03762}}\n"
    return good + "".join(f"@misc{{bad{i}, title={{{title}}}}}\n" for i, title in enumerate(titles))


@pytest.fixture
def attention(db):
    return PaperFactory(arxiv_id="1706.03762", title="Attention Is All You Need")


@pytest.fixture
def shelf(alice) -> ReadingList:
    return ReadingList.objects.create(owner=alice, name="Imports")


def timed_post(client, url: str, data: dict) -> tuple[object, float]:
    started = time.perf_counter()
    response = client.post(url, data)
    return response, time.perf_counter() - started


def test_an_uploaded_nesting_bomb_is_reported_back_and_the_rest_added_quickly(alice_client, shelf, attention):
    upload = SimpleUploadedFile("bomb.bib", bib(bomb(16), nested(16)).encode())

    response, seconds = timed_post(alice_client, f"/lists/{shelf.pk}/import/", {"file": upload})

    assert seconds <= SECONDS
    assertContains(response, "Added 1 paper")
    assertContains(response, "2 could not be matched")
    assertContains(response, "its title is 516 characters long")
    assertContains(response, "its title nests braces 16 deep")
    assert list(shelf.items.values_list("paper", flat=True)) == [attention.pk]


def test_pasted_bibtex_takes_the_same_path(alice_client, shelf, attention):
    response, seconds = timed_post(alice_client, f"/lists/{shelf.pk}/import/", {"ids": bib(bomb(16))})

    assert seconds <= SECONDS
    assertContains(response, "Added 1 paper")
    assertContains(response, "characters long")


def test_the_onboarding_upload_takes_the_same_path(alice_client, alice, attention):
    upload = SimpleUploadedFile("mine.bib", bib(bomb(16), nested(16)).encode())

    response, seconds = timed_post(alice_client, "/onboarding/", {"file": upload})

    assert seconds <= SECONDS
    assert response.status_code == 302
    read_later = ReadingList.objects.get(owner=alice, is_default=True)
    assert list(read_later.items.values_list("paper", flat=True)) == [attention.pk]


def test_an_entry_with_an_unreadable_title_is_still_matched_by_its_arxiv_id(alice_client, shelf, attention):
    entry = f"@article{{a, title={{{nested(30)}}}, eprint={{1706.03762}}}}"

    response, _ = timed_post(alice_client, f"/lists/{shelf.pk}/import/", {"ids": entry})

    assertContains(response, "Added 1 paper")
    assert shelf.items.get().paper == attention


def test_a_title_with_some_markup_is_converted_whole():
    (entry,) = parse_bibtex(r"@misc{a, title={On {\em Schr{\"o}dinger's} $\frac{\alpha}{2}$ cats}}")

    assert entry.problem == ""
    assert entry.title == "On Schrödinger's \N{GREEK SMALL LETTER ALPHA}/2 cats"


def test_a_title_with_unbalanced_markup_is_read_as_text_quickly():
    # A quoted value may leave braces open, as the old cut at 500 characters did: no recovery is tried.
    title = "Grid cells " + r"\frac{" * 8 + "x"

    started = time.perf_counter()
    (entry,) = parse_bibtex(f'@misc{{a, title = "{title}"}}')

    assert time.perf_counter() - started <= SECONDS
    assert entry.title.startswith("Grid cells")
