from __future__ import annotations

import rispy

from papers.lists.exports import render_ris
from tests.lists.exports.papers import entry


def test_an_arxiv_paper_is_an_unpublished_work_record_with_every_tag():
    assert render_ris([entry(doi="10.1000/xyz")]) == (
        "TY  - UNPB\r\n"
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
        [
            entry(1, note="line one\nline two", status="Reading"),
            entry(2, title="Second & last", authors=["Plato"]),
        ]
    )

    first, second = rispy.loads(text)
    assert first["type_of_reference"] == "UNPB"
    assert first["title"] == "Learning to Rank Papers"
    assert first["authors"] == ["Lovelace, Ada", "Turing, Alan"]
    assert (first["year"], first["date"]) == ("2024", "2024/01/10/")
    assert first["urls"] == ["https://arxiv.org/abs/2401.01234"]
    assert first["note"] == "arXiv:2401.01234"
    assert first["doi"] == "10.48550/arXiv.2401.01234"
    assert first["keywords"] == ["cs.LG", "cs.IR", "status: reading"]
    # The note's line break is kept: rispy reads the continuation line as the note's next line.
    assert "\n".join(first["notes"]) == "line one\nline two"
    assert (second["title"], second["authors"]) == ("Second & last", ["Plato"])


def test_a_paper_with_no_authors_and_no_date_has_a_title_and_says_what_is_not_known():
    text = render_ris([entry(authors=[], published_on=None, arxiv_id=None, abstract="", categories=[])])

    assert text == (
        "TY  - UNPB\r\nTI  - Learning to Rank Papers\r\n"
        "N1  - Author names and date not known to Papershelf\r\nER  - \r\n"
    )


def test_a_note_line_that_looks_like_a_tag_stays_part_of_the_note():
    text = render_ris([entry(note="First line\nER  - not the end\nAU  - not an author")])

    (record,) = rispy.loads(text)
    assert record["authors"] == ["Lovelace, Ada", "Turing, Alan"]
    assert "\n".join(record["notes"]) == "First line\nER - not the end\nAU - not an author"


def test_values_are_kept_on_one_line():
    text = render_ris([entry(title="A title\nwrapped by the source", abstract="Two\n\nparagraphs")])

    assert "TI  - A title wrapped by the source\r\n" in text
    assert "AB  - Two paragraphs\r\n" in text
