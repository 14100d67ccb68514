"""The search page's own examples work on both databases: "a phrase", -exclusions and OR."""

from __future__ import annotations

import datetime

import pytest

from papers.catalogue import search, search_syntax
from papers.models import Paper
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db


def found(query: str) -> list[str]:
    return [paper.title for paper in Paper.objects.search(query)]


@pytest.fixture
def corpus() -> dict[str, Paper]:
    day = datetime.date(2024, 1, 10)
    titles = {
        # The newest is about images, so a search that ignored "-image" would put it first.
        "diffusion images": ("Diffusion models for image synthesis", day),
        "diffusion graphs": ("Diffusion on graphs for molecule design", day - datetime.timedelta(days=1)),
        "gan images": ("GAN training for images", day),
        "gan audio": ("GAN training for speech", day - datetime.timedelta(days=1)),
        "hippocampus": ("Replay in the hippocampus during sleep", day),
        "grid cells": ("Grid cells in entorhinal cortex", day),
        "grid search": ("Grid search for hyperparameters of neural networks", day),
        "cells in a grid": ("Cells arranged in a grid for tissue models", day),
        "in-context": ("In-context learning in transformers", day),
    }
    return {
        key: PaperFactory(title=title, abstract="A study.", listed_on=listed_on)
        for key, (title, listed_on) in titles.items()
    }


def test_an_excluded_word_leaves_out_every_paper_that_has_it(corpus):
    assert found("diffusion -image") == ["Diffusion on graphs for molecule design"]


def test_an_excluded_word_whose_stem_is_itself_is_excluded_too(corpus):
    # On PostgreSQL "gan" parses the same with and without stemming: the exclusion must hold in both.
    assert found("gan -image") == ["GAN training for speech"]
    assert found("gan -images") == ["GAN training for speech"]


def test_or_finds_either_side_and_binds_looser_than_and(corpus):
    assert set(found("hippocampus OR grid cells")) == {
        "Replay in the hippocampus during sleep",
        "Grid cells in entorhinal cortex",
        "Cells arranged in a grid for tissue models",
    }


def test_a_quoted_phrase_matches_the_words_in_that_order(corpus):
    assert found('"grid cells"') == ["Grid cells in entorhinal cortex"]
    assert found('"in-context learning"') == ["In-context learning in transformers"]


def test_an_excluded_phrase_leaves_out_only_the_phrase(corpus):
    assert set(found('grid -"grid cells"')) == {
        "Grid search for hyperparameters of neural networks",
        "Cells arranged in a grid for tissue models",
    }


def test_excluded_words_are_not_highlighted(client, corpus):
    response = client.get("/search/", {"q": "diffusion -graphs"})

    assert b"<mark>image</mark>" not in response.content
    assert b"<mark>graphs</mark>" not in response.content
    assert b"<mark>Diffusion</mark>" in response.content


def test_the_search_tips_examples_find_papers(client, corpus):
    for example in ["diffusion -image", "hippocampus OR grid cells"]:
        response = client.get("/search/", {"q": example})
        assert b"No papers match" not in response.content, example


@pytest.mark.parametrize(
    ("query", "groups"),
    [
        ("hippocampus OR grid cells", [["hippocampus"], ["grid", "cells"]]),
        ("a b or c", [["a", "b"], ["c"]]),
        ("diffusion -image", [["diffusion", "-image"]]),
        ('"grid cells" -rat', [["grid cells", "-rat"]]),
        ('a -"b c"', [["a", "-b c"]]),
        ("a - b", [["a", "-b"]]),
        ("x OR -y", [["x"], ["-y"]]),
        # OR at either end, or after another OR, is the word "or", as in websearch_to_tsquery.
        ("a OR", [["a", "OR"]]),
        ("OR a", [["OR", "a"]]),
        ("a OR OR b", [["a"], ["OR", "b"]]),
        ('"an open quote', [["an open quote"]]),
        ("zero-shot", [["zero-shot"]]),
        ("!!! ???", []),
    ],
)
def test_the_syntax_reads_like_websearch_to_tsquery(query, groups):
    parsed = search_syntax.parse(query)

    assert [[("-" if term.negated else "") + term.text for term in group] for group in parsed] == groups


def test_highlighted_words_leave_out_exclusions():
    assert search.query_terms('Grid "place cells" -rat OR hippocampus') == [
        "grid",
        "place",
        "cells",
        "hippocampus",
    ]
