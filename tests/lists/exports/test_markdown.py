from __future__ import annotations

from papers.lists.exports import render_markdown
from tests.lists.exports.papers import entry


def test_the_owners_export_shows_title_link_authors_year_arxiv_status_and_note():
    text = render_markdown([entry(status="Reading", note="Compare with\nchapter 3")], title="Thesis")

    assert text == (
        "# Thesis\n"
        "\n"
        "1. **[Learning to Rank Papers](https://arxiv.org/abs/2401.01234)**  \n"
        "   Ada Lovelace, Alan Turing · 2024 · [arXiv:2401.01234](https://arxiv.org/abs/2401.01234)  \n"
        "   Status: Reading\n"
        "\n"
        "   > Compare with\n"
        "   > chapter 3\n"
    )


def test_a_shared_export_entry_has_no_status_or_note_lines():
    text = render_markdown([entry()], title="Thesis")

    assert "Status" not in text
    assert ">" not in text


def test_markdown_characters_in_titles_are_escaped():
    text = render_markdown([entry(title="[Bracketed] *bold* _x_ <b>")])

    assert r"**[\[Bracketed\] \*bold\* \_x\_ \<b\>](https://arxiv.org/abs/2401.01234)**" in text


def test_a_paper_with_no_authors_no_date_and_no_link_says_what_is_not_known():
    text = render_markdown([entry(authors=[], published_on=None, arxiv_id=None, url="")])

    assert text == "1. **Learning to Rank Papers**  \n   Author names and date not known to Papershelf\n"


def test_long_author_lists_are_shortened():
    text = render_markdown([entry(authors=[f"Author {n}" for n in range(30)])])

    assert "Author 9 et al." in text
    assert "Author 10" not in text
