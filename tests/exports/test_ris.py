from __future__ import annotations

import rispy

from papers.exports import render_ris
from tests.exports.papers import entry


def test_an_arxiv_paper_is_a_gen_record_with_every_tag():
    assert render_ris([entry(doi="10.1000/xyz")]) == (
        "TY  - GEN\r\n"
        "TI  - Learning to Rank Papers\r\n"
        "AU  - Lovelace, Ada\r\n"
        "AU  - Turing, Alan\r\n"
        "PY  - 2024\r\n"
        "DA  - 2024/01/10/\r\n"
        "AB  - We rank papers.\r\n"
        "UR  - https://arxiv.org/abs/2401.01234\r\n"
        "DO  - 10.1000/xyz\r\n"
        "M1  - arXiv:2401.01234\r\n"
        "PB  - arXiv\r\n"
        "KW  - cs.LG\r\n"
        "KW  - cs.IR\r\n"
        "ER  - \r\n"
    )


def test_the_output_parses_back_with_rispy():
    text = render_ris(
        [entry(1, note="line one\nline two"), entry(2, title="Second & last", authors=["Plato"])]
    )

    first, second = rispy.loads(text)
    assert first["type_of_reference"] == "GEN"
    assert first["title"] == "Learning to Rank Papers"
    assert first["authors"] == ["Lovelace, Ada", "Turing, Alan"]
    assert (first["year"], first["date"]) == ("2024", "2024/01/10/")
    assert first["urls"] == ["https://arxiv.org/abs/2401.01234"]
    assert first["note"] == "arXiv:2401.01234"
    assert first["notes"] == ["line one line two"]
    assert (second["title"], second["authors"]) == ("Second & last", ["Plato"])


def test_a_paper_with_no_authors_and_no_date_has_just_a_title():
    text = render_ris([entry(authors=[], published_on=None, arxiv_id=None, abstract="", categories=[])])

    assert text == "TY  - GEN\r\nTI  - Learning to Rank Papers\r\nER  - \r\n"


def test_values_are_kept_on_one_line():
    text = render_ris([entry(title="A title\nwrapped by the source", abstract="Two\n\nparagraphs")])

    assert "TI  - A title wrapped by the source\r\n" in text
    assert "AB  - Two paragraphs\r\n" in text
