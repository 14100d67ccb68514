from __future__ import annotations

import re

from papers.lists.exports import render_bibtex, render_csl_json
from papers.lists.exports.keys import citation_keys
from tests.lists.exports.papers import entry


def keys_of(bibtex: str) -> list[str]:
    return re.findall(r"^@misc\{([^,]+),", bibtex, re.MULTILINE)


def test_the_key_is_family_name_year_and_first_significant_title_word():
    assert citation_keys([entry(title="The Art of Attention")]) == {1: "lovelace2024art"}


def test_two_papers_by_the_same_first_author_in_the_same_year_get_a_and_b_by_paper_id():
    entries = [entry(7, title="Learning to rank"), entry(3, title="Learning, revisited")]

    assert citation_keys(entries) == {3: "lovelace2024learninga", 7: "lovelace2024learningb"}


def test_keys_are_the_same_on_every_export_whatever_the_list_order():
    entries = [
        entry(7, title="Learning to rank"),
        entry(3, title="Learning, revisited"),
        entry(5, title="Other"),
    ]

    first = keys_of(render_bibtex(entries))
    second = keys_of(render_bibtex(entries))
    reordered = keys_of(render_bibtex(list(reversed(entries))))

    assert first == second
    assert sorted(first) == sorted(reordered)
    assert len(set(first)) == 3


def test_keys_stay_unique_when_a_suffixed_key_equals_another_papers_plain_key():
    # 1 and 2 collide on lovelace2024study and become ...studya and ...studyb; 3's own key is ...studyb.
    entries = [entry(1, title="Study"), entry(2, title="Study"), entry(3, title="Studyb")]

    keys = citation_keys(entries)

    assert keys[1] == "lovelace2024studya"
    assert len(set(keys.values())) == 3


def test_many_collisions_run_past_z():
    keys = citation_keys([entry(pk, title="Same") for pk in range(1, 30)])

    assert keys[1] == "lovelace2024samea"
    assert keys[27] == "lovelace2024sameaa"
    assert len(set(keys.values())) == 29


def test_the_csl_json_ids_are_the_bibtex_keys():
    entries = [entry(1), entry(2)]

    assert keys_of(render_bibtex(entries)) == [
        item for item in re.findall(r'"id": "([^"]+)"', render_csl_json(entries))
    ]
