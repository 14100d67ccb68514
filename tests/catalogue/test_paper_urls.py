"""papers.catalogue.paper_urls: the cards' URLs are exactly what reverse() gives, for any id and any route."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse, set_script_prefix
from hypothesis import given
from hypothesis import strategies as st

from papers.catalogue.paper_urls import paper_url


def one_argument_names() -> list[str]:
    """Every named route of the site's papers namespace that takes exactly one argument, whatever its
    converter (ids, arXiv ids, days, tokens)."""
    resolver = get_resolver().namespace_dict["papers"][1]
    names = set()
    for name in resolver.reverse_dict:
        if not isinstance(name, str):
            continue
        for possibilities, *_ in resolver.reverse_dict.getlist(name):
            if any(len(params) == 1 for _, params in possibilities):
                names.add(f"papers:{name}")
    return sorted(names)


NAMES = one_argument_names()


def test_the_cards_routes_are_among_those_checked():
    assert {"papers:paper_upvote", "papers:paper_save", "papers:feed_dismiss", "papers:detail_arxiv"} <= set(
        NAMES
    )


@given(pk=st.integers(min_value=0, max_value=10**12), name=st.sampled_from(NAMES))
def test_an_id_url_is_the_one_reverse_gives(pk, name):
    for prefix in ("/", "/shelf/"):
        set_script_prefix(prefix)
        try:
            expected = reverse(name, args=[pk])
        except Exception as error:  # a route whose argument is not an id: paper_url refuses it alike
            with pytest.raises(type(error)):
                paper_url(name, pk)
        else:
            assert paper_url(name, pk) == expected
        finally:
            set_script_prefix("/")


@given(arxiv_id=st.text(min_size=1, max_size=30).filter(lambda s: s.strip("/") and "\x00" not in s))
def test_an_arxiv_url_is_the_one_reverse_gives(arxiv_id):
    try:
        expected = reverse("papers:detail_arxiv", args=[arxiv_id])
    except Exception as error:
        with pytest.raises(type(error)):
            paper_url("papers:detail_arxiv", arxiv_id)
    else:
        assert paper_url("papers:detail_arxiv", arxiv_id) == expected
