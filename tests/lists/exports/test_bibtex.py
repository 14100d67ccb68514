from __future__ import annotations

import bibtexparser
from bibtexparser.middlewares import LatexDecodingMiddleware

from papers.lists.exports import render_bibtex
from papers.lists.exports.bibtex import escape_bibtex
from tests.lists.exports.papers import entry


def parse(text: str) -> bibtexparser.Library:
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks, [block.error for block in library.failed_blocks]
    return library


def test_an_arxiv_paper_is_a_misc_entry_with_eprint_archive_prefix_and_primary_class():
    assert render_bibtex([entry()]) == (
        "@misc{lovelace2024learning,\n"
        "  title = {{Learning to Rank Papers}},\n"
        "  author = {Lovelace, Ada and Turing, Alan},\n"
        "  year = {2024},\n"
        "  month = jan,\n"
        "  publisher = {arXiv},\n"
        "  eprint = {2401.01234},\n"
        "  archivePrefix = {arXiv},\n"
        "  primaryClass = {cs.LG},\n"
        "  doi = {10.48550/arXiv.2401.01234},\n"
        "  url = {https://arxiv.org/abs/2401.01234},\n"
        "  keywords = {cs.LG, cs.IR},\n"
        "  abstract = {We rank papers.}\n"
        "}\n"
    )


def test_the_doi_and_the_owners_note_are_included_the_note_as_annote_not_note():
    text = render_bibtex([entry(doi="10.1000/xyz_1", note="Read §3 first")])

    assert "  doi = {10.1000/xyz_1},\n" in text
    assert "  annote = {Read §3 first}\n" in text
    assert "  note = " not in text


def test_special_characters_are_escaped_and_read_back_unchanged():
    title = "50% of C# & {Sets} use snake_case ~ y^x at $5 \\ more"
    text = render_bibtex([entry(title=title, abstract="Braces {balanced} & 100%")])

    assert (
        r"title = {{50\% of C\# \& \{Sets\} use snake\_case \textasciitilde{} y\textasciicircum{}x at \$5"
        in text
    )
    fields = parse(text).entries[0]
    assert fields["title"].startswith("50% of C# & {Sets} use snake_case ~ y")
    assert fields["title"].endswith("x at $5 \\ more")
    assert fields["abstract"] == "Braces {balanced} & 100%"


def test_tex_math_in_a_title_is_set_as_math():
    text = render_bibtex([entry(title="GenM$^3$ and M^{3} with $\\ell_1$, x_1 and N^{-1}: 100% $5 \\ $6")])

    assert (
        r"title = {{GenM$^3$ and M$^{3}$ with $\ell_1$, x$_1$ and N$^{-1}$: 100\% \$5 \textbackslash{} \$6}}"
        in text
    )


def test_an_unpaired_brace_cannot_end_the_field_early():
    text = render_bibtex([entry(title="A { lonely brace", abstract="closing } first {")])

    assert r"A \textbraceleft{} lonely brace" in text
    library = parse(text)
    assert len(library.entries) == 1
    assert library.entries[0]["eprint"] == "2401.01234"


def test_unicode_names_are_kept_and_the_key_is_ascii():
    text = render_bibtex([entry(authors=["Jürgen Schmidhuber", "Łukasz Kaiser", "José María Pérez"])])

    assert text.startswith("@misc{schmidhuber2024learning,")
    assert "author = {Schmidhuber, Jürgen and Kaiser, Łukasz and Pérez, José María}" in text
    assert parse(text).entries[0]["author"] == "Schmidhuber, Jürgen and Kaiser, Łukasz and Pérez, José María"


def test_particles_stay_with_the_family_name_and_groups_are_kept_whole():
    text = render_bibtex([entry(authors=["Ludwig van Beethoven", "Google and DeepMind"])])

    assert "author = {van Beethoven, Ludwig and {Google and DeepMind}}" in text
    assert text.startswith("@misc{beethoven2024learning,")


def test_a_paper_with_no_authors_and_no_date_says_so_instead_of_inventing_them():
    text = render_bibtex(
        [
            entry(
                authors=[],
                author_count=8,
                published_on=None,
                listed_on=None,
                arxiv_id=None,
                url="",
                categories=[],
            )
        ]
    )

    assert text.splitlines() == [
        "@misc{unknownndlearning,",
        "  title = {{Learning to Rank Papers}},",
        "  note = {Names of its 8 authors and date not known to Papershelf},",
        "  abstract = {We rank papers.}",
        "}",
    ]
    assert parse(text).entries[0].key == "unknownndlearning"


def test_an_arxiv_id_gives_the_year_and_month_when_no_date_is_known():
    text = render_bibtex([entry(arxiv_id="2312.00752", published_on=None, listed_on=None)])

    assert "  year = {2023},\n  month = dec,\n" in text
    assert "note = " not in text


def test_a_year_only_date_is_exported_as_a_year():
    import datetime

    text = render_bibtex([entry(published_on=datetime.date(2017, 1, 1), published_precision="year")])

    assert "  year = {2017},\n" in text
    assert "month" not in text


def test_the_owners_status_is_a_keyword():
    text = render_bibtex([entry(status="To read")])

    assert "  keywords = {cs.LG, cs.IR, status: to read},\n" in text


def test_a_paper_not_on_arxiv_links_its_own_url_and_has_no_eprint():
    text = render_bibtex([entry(arxiv_id=None, url="https://example.org/paper_1?a=1&b=2")])

    assert "url = {https://example.org/paper_1?a=1&b=2}" in text
    assert "eprint" not in text


def test_the_output_parses_back_with_every_field():
    text = render_bibtex([entry(1), entry(2, arxiv_id="hep-th/9901001", title="Strings", doi="10.1/x")])

    first, second = parse(text).entries
    assert first.entry_type == "misc"
    assert {name: first[name] for name in ("eprint", "archivePrefix", "primaryClass", "year", "month")} == {
        "eprint": "2401.01234",
        "archivePrefix": "arXiv",
        "primaryClass": "cs.LG",
        "year": "2024",
        "month": "jan",
    }
    assert first["title"] == "Learning to Rank Papers"
    assert first["author"] == "Lovelace, Ada and Turing, Alan"
    assert (second["eprint"], second["doi"], second.key) == (
        "hep-th/9901001",
        "10.1/x",
        "lovelace2024strings",
    )


def test_escaping_leaves_plain_text_alone():
    assert escape_bibtex("Plain words, 2024: ok") == "Plain words, 2024: ok"
