from __future__ import annotations

import json

from papers.lists.exports import render_csl_json
from tests.lists.exports.papers import entry


def test_an_arxiv_paper_is_an_article_item_with_every_field():
    items = json.loads(render_csl_json([entry(doi="10.1000/xyz")]))

    assert items == [
        {
            "id": "lovelace2024learning",
            "type": "article",
            "title": "Learning to Rank Papers",
            "author": [{"family": "Lovelace", "given": "Ada"}, {"family": "Turing", "given": "Alan"}],
            "issued": {"date-parts": [[2024, 1, 10]]},
            "URL": "https://arxiv.org/abs/2401.01234",
            "DOI": "10.1000/xyz",
            "abstract": "We rank papers.",
            "publisher": "arXiv",
            "number": "arXiv:2401.01234",
            "keyword": "cs.LG, cs.IR",
        }
    ]


def test_unicode_is_written_as_is_and_special_characters_survive():
    text = render_csl_json([entry(title='Über "quotes" & {braces} 100%', authors=["Łukasz Kaiser", "Plato"])])

    assert "Über" in text
    item = json.loads(text)[0]
    assert item["title"] == 'Über "quotes" & {braces} 100%'
    assert item["author"] == [{"family": "Kaiser", "given": "Łukasz"}, {"literal": "Plato"}]


def test_a_paper_with_no_authors_and_no_date_has_neither_field_and_a_note_saying_so():
    item = json.loads(render_csl_json([entry(authors=[], published_on=None, arxiv_id=None)]))[0]

    assert "author" not in item
    assert "issued" not in item
    assert item["note"] == "Author names and date not known to Papershelf"
    assert item["id"] == "unknownndlearning"


def test_an_arxiv_paper_without_a_doi_gets_the_arxiv_doi():
    item = json.loads(render_csl_json([entry()]))[0]

    assert item["DOI"] == "10.48550/arXiv.2401.01234"
    assert "archive" not in item


def test_the_owners_note_is_an_annotation():
    item = json.loads(render_csl_json([entry(note="private thought")]))[0]

    assert item["annote"] == "private thought"
    assert "note" not in item


def test_an_empty_list_is_an_empty_array():
    assert json.loads(render_csl_json([])) == []
