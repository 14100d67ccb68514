"""Reading pasted ids, .bib and .ris files into entries (no database)."""

from __future__ import annotations

import pytest

from papers.lists.imports import ImportRefused, parse_bibtex, parse_pasted, parse_ris
from papers.lists.imports.parse import decode_text, detect_format, find_arxiv_id
from tests.importers.paths import FIXTURES

BIB = (FIXTURES / "reading_list_import.bib").read_text()
RIS = (FIXTURES / "reading_list_import.ris").read_text()


@pytest.mark.parametrize(
    ("token", "arxiv_id"),
    [
        ("2401.01234", "2401.01234"),
        ("2401.01234v3", "2401.01234"),
        ("arXiv:2401.01234", "2401.01234"),
        ("ARXIV:2401.01234v2", "2401.01234"),
        ("1412.6980", "1412.6980"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("hep-th/9901001v2", "hep-th/9901001"),
        ("math.GT/0309136", "math.GT/0309136"),
        ("https://arxiv.org/abs/2401.01234", "2401.01234"),
        ("https://arxiv.org/abs/2401.01234v2", "2401.01234"),
        ("http://arxiv.org/pdf/2401.01234v1", "2401.01234"),
        ("https://arxiv.org/pdf/2401.01234v1.pdf", "2401.01234"),
        ("https://www.arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
        ("https://export.arxiv.org/abs/2401.01234?context=cs", "2401.01234"),
        ("arxiv.org/abs/2401.01234/", "2401.01234"),
        ("https://doi.org/10.48550/arXiv.2401.01234", "2401.01234"),
    ],
)
def test_every_way_of_writing_an_arxiv_id_is_understood(token, arxiv_id):
    (entry,) = parse_pasted(token)

    assert (entry.arxiv_id, entry.problem) == (arxiv_id, "")


def test_ids_may_be_separated_by_lines_spaces_commas_and_semicolons():
    entries = parse_pasted("2401.00001, 2401.00002;2401.00003\n\n  2401.00004\t2401.00005\r\n")

    assert [entry.arxiv_id for entry in entries] == [f"2401.0000{n}" for n in range(1, 6)]
    assert [entry.line for entry in entries] == [1, 1, 1, 3, 3]


def test_a_doi_is_understood_with_or_without_its_prefix():
    entries = parse_pasted("10.1038/nature14539 https://doi.org/10.1038/nature14539 doi:10.1038/nature14539")

    assert {entry.doi for entry in entries} == {"10.1038/nature14539"}


@pytest.mark.parametrize("token", ["hello", "2401.012345", "https://example.org/abs/2401.01234", "1234"])
def test_anything_else_is_listed_back_as_not_an_identifier(token):
    (entry,) = parse_pasted(token)

    assert entry.problem == "not an arXiv id, arXiv URL or DOI"
    assert entry.label == token


def test_a_bib_file_yields_arxiv_ids_dois_and_decoded_titles():
    entries = parse_bibtex(BIB)

    assert [(e.label, e.arxiv_id, e.doi) for e in entries] == [
        ("vaswani2017attention", "1706.03762", ""),
        ("lecun2015deep", "", "10.1038/NATURE14539"),
        ("he2016deep", "", ""),
        ("kingma2014adam", "1412.6980", ""),
        ("dupont2020etude", "", ""),
        ("knuth1984texbook", "", ""),
    ]
    assert entries[2].title == "Deep Residual Learning for Image Recognition"
    assert entries[4].title == "Étude des réseaux de neurones & de leurs limites"
    assert [e.line for e in entries] == [4, 13, 23, 30, 37, 43]


def test_bibtex_arxiv_ids_are_found_in_url_note_and_the_arxiv_doi():
    text = (
        "@misc{a, title={A}, url={https://arxiv.org/abs/2401.00001v2}}\n"
        "@misc{b, title={B}, note={arXiv:2401.00002}}\n"
        "@misc{c, title={C}, doi={10.48550/arXiv.2401.00003}}\n"
        "@misc{d, title={D}, arxivId={2401.00004}}\n"
        "@misc{e, title={E}, eprint={2401.00005}}\n"
        "@misc{f, title={F}, eprint={12345678}, eprinttype={pubmed}}\n"
    )

    assert [entry.arxiv_id for entry in parse_bibtex(text)] == [
        "2401.00001",
        "2401.00002",
        "2401.00003",
        "2401.00004",
        "2401.00005",
        "",
    ]


def test_unbalanced_braces_refuse_the_whole_file_naming_the_line():
    text = "@misc{ok, title={Fine}}\n\n@article{broken, title = {Missing {brace}, year = 2020}\n"

    with pytest.raises(ImportRefused, match=r"malformed entry at line 3: unbalanced braces"):
        parse_bibtex(text)


def test_a_repeated_field_refuses_the_file():
    with pytest.raises(ImportRefused, match="the field title appears twice"):
        parse_bibtex("@misc{a, title={A}, title={B}}")


def test_a_repeated_citation_key_is_not_an_error():
    entries = parse_bibtex("@misc{a, eprint={2401.00001}}\n@misc{a, eprint={2401.00002}}\n")

    assert [entry.arxiv_id for entry in entries] == ["2401.00001", "2401.00002"]


def test_a_bib_file_without_entries_is_refused():
    with pytest.raises(ImportRefused, match="No BibTeX entries"):
        parse_bibtex("@comment{just a comment}\n")


def test_a_ris_file_yields_its_records_with_lines():
    entries = parse_ris(RIS)

    assert [(e.line, e.arxiv_id, e.doi, e.title) for e in entries] == [
        (1, "1706.03762", "", "Attention Is All You Need"),
        (9, "", "10.1038/nature14539", "Deep learning"),
        (16, "", "", "Deep residual learning for image recognition"),
        (21, "", "", "The TeXbook"),
    ]


def test_a_ris_record_without_an_end_refuses_the_file():
    with pytest.raises(ImportRefused, match="the record at line 1 has no end"):
        parse_ris("TY  - GEN\nTI  - One\nTY  - GEN\nTI  - Two\nER  - \n")


def test_a_stray_line_outside_a_record_refuses_the_ris_file():
    with pytest.raises(ImportRefused, match="line 3 is outside a record"):
        parse_ris("TY  - GEN\nER  - \nsomething else\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TY  - JOUR\nER  - \n", "ris"),
        ("\n\n@article{x, title={T}}", "bibtex"),
        ("% comment\n@Misc ( x, title={T})", "bibtex"),
        ("2401.01234 2401.01235", None),
        ("write to me@example.org{", None),
    ],
)
def test_the_format_is_told_from_the_content(text, expected):
    assert detect_format(text) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
        b"@misc{a, title={\x81\xff}}",  # neither UTF-8 nor Windows-1252
        b"\xff\xfe@\x00m\x00\xd8",  # a UTF-16 byte-order mark, then broken UTF-16
    ],
)
def test_binary_data_is_refused(data):
    with pytest.raises(ImportRefused, match="not a text file"):
        decode_text(data)


def test_windows_latin1_and_utf16_files_are_read():
    windows = "@misc{a, title={Caf\u00e9 \u201cquoted\u201d\u2026}}".encode("cp1252")
    assert decode_text(windows).endswith("Café “quoted”…}}")
    assert decode_text(b"@misc{a, title={Caf\xe9 \xb5}}").endswith("Café µ}}")
    assert decode_text("TY  - GEN\r\n".encode("utf-16")) == "TY  - GEN\r\n"
    assert decode_text("\ufeff@misc{a}".encode()) == "@misc{a}"


def test_an_arxiv_id_is_found_in_running_text():
    assert find_arxiv_id("arXiv preprint arXiv:1706.03762.") == "1706.03762"
    assert find_arxiv_id("see https://arxiv.org/pdf/1706.03762v5 for more") == "1706.03762"
    assert find_arxiv_id("Nature 521, 436") == ""
