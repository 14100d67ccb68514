"""Search runs PostgreSQL full-text search when DATABASE_URL points there, the LIKE fallback on SQLite.

Every test here runs on both; the few that check one engine's machinery say so with `connection.vendor`.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pytest_django.asserts import assertContains, assertNotContains

from papers.catalogue import search
from papers.models import Paper
from tests.catalogue.html import card_ids, text
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite fallback")


def test_an_empty_query_shows_tips_and_examples(client):
    response = client.get("/search/")

    assert response.status_code == 200
    assertContains(response, "Titles count most")
    assertContains(response, 'href="/search/?q=spiking%20neural%20networks"')
    assert card_ids(response) == []


def test_a_blank_query_is_an_empty_query(client):
    assertContains(client.get("/search/", {"q": "   \t "}), "Titles count most")


def test_a_title_match_ranks_above_an_abstract_only_match(client):
    in_abstract = PaperFactory(
        title="Sparse coding in visual cortex",
        abstract="We compare sparse coding with hippocampus replay and hippocampus indexing theories.",
        source_upvotes=100,
    )
    in_title = PaperFactory(title="Hippocampus replay as planning", abstract="A model of planning.")
    PaperFactory(title="Unrelated", abstract="Nothing to see here.")

    response = client.get("/search/", {"q": "hippocampus"})

    assert card_ids(response) == [in_title.pk, in_abstract.pk]
    assertContains(response, "2 papers match")


def test_it_finds_papers_by_an_author_name(client):
    by_graves = PaperFactory(authors=["Alex Graves", "Greg Wayne"], title="Neural Turing machines")
    PaperFactory(authors=["Ada Lovelace"], title="Notes on the analytical engine")

    response = client.get("/search/", {"q": "Graves"})

    assert card_ids(response) == [by_graves.pk]


def test_matches_are_highlighted(client):
    PaperFactory(title="Grid cells and path integration", abstract="Grid cells fire on a hexagonal lattice.")

    response = client.get("/search/", {"q": "grid"})

    assertContains(response, "<mark>Grid</mark> cells and path integration")
    assertContains(response, "<mark>Grid</mark> cells fire")


def test_a_title_with_a_script_tag_is_shown_as_text(client):
    PaperFactory(
        title="<script>alert('x')</script> Attention sinks",
        abstract='Attention <img src=x onerror="alert(1)"> concentrates on the first token.',
    )

    response = client.get("/search/", {"q": "attention"})

    body = text(response)
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert "<mark>Attention</mark>" in body


def test_the_query_is_escaped_where_the_page_repeats_it(client):
    response = client.get("/search/", {"q": '"><script>alert(1)</script>'})

    assert response.status_code == 200
    assert "<script>alert(1)" not in text(response)


@pytest.mark.parametrize("query", ["zxqv qwpx", "!!! ??? ...", "the of", '""', "-", "&|!():*"])
def test_a_query_that_matches_nothing_gives_a_helpful_page(client, query):
    PaperFactory(title="Predictive coding", abstract="Brains predict their input.")

    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    assertContains(response, "No papers match")
    assertContains(response, "Check the spelling")


def test_a_10000_character_query_is_cut_with_a_note(client):
    response = client.get("/search/", {"q": "attention " * 1000})

    assert response.status_code == 200
    assertContains(response, f"only the first {search.MAX_QUERY_LENGTH} were searched")


def test_control_characters_in_the_query_do_not_error(client):
    PaperFactory(title="Spiking neural networks")

    response = client.get("/search/", {"q": "spiking\x1b \x07 networks"})

    assert response.status_code == 200
    assert len(card_ids(response)) == 1
    # A NUL is refused before the search (tests/security/test_nul_bytes.py).
    assert client.get("/search/", {"q": "spiking\x00 networks"}).status_code == 400


def test_the_query_stays_in_the_header_search_box(client):
    response = client.get("/search/", {"q": "grid cells"})

    assertContains(response, 'name="q" value="grid cells"')


def test_the_search_box_searches_as_you_type_with_htmx(client):
    response = client.get("/search/")

    assertContains(response, 'hx-get="/search/"')
    assertContains(response, 'hx-trigger="input changed delay:300ms, search"')
    assertContains(response, 'hx-target="#search-results"')
    assertContains(response, 'hx-push-url="true"')
    assertContains(response, 'id="search-results"')


def test_an_htmx_request_gets_only_the_results(client):
    paper = PaperFactory(title="Dendritic computation")

    response = client.get(
        "/search/", {"q": "dendritic"}, headers={"HX-Request": "true", "HX-Target": "search-results"}
    )

    body = text(response)
    assert "<html" not in body
    assert 'id="search-results"' not in body  # the fragment is what goes inside it
    assert card_ids(response) == [paper.pk]
    assert "HX-Request" in response["Vary"]
    assert "HX-Target" in response["Vary"]


def test_an_htmx_request_with_an_empty_query_gets_the_tips(client):
    response = client.get(
        "/search/", {"q": ""}, headers={"HX-Request": "true", "HX-Target": "search-results"}
    )

    assert "<html" not in text(response)
    assertContains(response, "Titles count most")


def test_load_more_returns_the_next_cards_only(client):
    PaperFactory.create_batch(35, title="Neuromodulation study")

    response = client.get(
        "/search/",
        {"q": "neuromodulation", "page": "2"},
        headers={"HX-Request": "true", "HX-Target": "load-more"},
    )

    assert "<html" not in text(response)
    assert "match" not in text(response)  # no results summary, just cards
    assert len(card_ids(response)) == 5


def test_search_results_are_paged(client):
    PaperFactory.create_batch(35, title="Neuromodulation study")

    first = client.get("/search/", {"q": "neuromodulation"})
    second = client.get("/search/", {"q": "neuromodulation", "page": "2"})

    assert len(card_ids(first)) == 30
    assert len(card_ids(second)) == 5
    assert not set(card_ids(first)) & set(card_ids(second))
    assertContains(first, 'href="/search/?q=neuromodulation&amp;page=2"')


@pytest.mark.parametrize("page", ["3", "99999999999999999999"])
def test_a_results_page_past_the_end_shows_the_last_page(client, page):
    PaperFactory.create_batch(35, title="Neuromodulation study")

    response = client.get("/search/", {"q": "neuromodulation", "page": page})

    assert response.status_code == 200
    assert len(card_ids(response)) == 5


def test_only_the_newest_matches_are_ranked_and_the_page_says_so(client, monkeypatch):
    monkeypatch.setattr(search, "MAX_RANKED_MATCHES", 3)
    old = PaperFactory(title="Astrocytes", listed_on=datetime.date(2023, 1, 1))
    newer = PaperFactory.create_batch(3, title="Astrocytes", listed_on=datetime.date(2024, 1, 1))

    response = client.get("/search/", {"q": "astrocytes"})

    assert sorted(card_ids(response)) == sorted(paper.pk for paper in newer)
    assert old.pk not in card_ids(response)
    assertContains(response, "At least 3 papers match")


def test_a_search_page_is_a_handful_of_queries(client, django_assert_max_num_queries, cache_off_the_database):
    PaperFactory.create_batch(40, title="Neuromodulation study")

    # PostgreSQL: parse, plan estimate and table size, the page, parse and headlines; SQLite: the page.
    with django_assert_max_num_queries(6):
        response = client.get("/search/", {"q": "neuromodulation"})

    assert len(card_ids(response)) == 30


@on_postgresql
def test_postgresql_ranks_with_the_stored_search_vector(client):
    assert connection.vendor == "postgresql"
    title = PaperFactory(title="Place cells", abstract="Navigation.")
    abstract = PaperFactory(title="Navigation", abstract="Place cells, place cells, place cells everywhere.")

    results = list(Paper.objects.search("place cells"))

    assert [paper.pk for paper in results] == [title.pk, abstract.pk]
    assert results[0].rank > results[1].rank > 0


@on_postgresql
def test_postgresql_understands_web_search_syntax(client):
    phrase = PaperFactory(title="Working memory in prefrontal cortex")
    PaperFactory(title="Memory working sets for caches")
    excluded = PaperFactory(title="Working memory in transformers")

    ids = [paper.pk for paper in Paper.objects.search('"working memory" -transformers')]

    assert ids == [phrase.pk]
    assert excluded.pk not in ids


@on_postgresql
@pytest.mark.parametrize(
    "plan", ["walk", "window", "window too small", "window too small, then walk", "collect"]
)
def test_every_way_of_finding_the_newest_matches_agrees(monkeypatch, plan):
    monkeypatch.setattr(search, "MAX_RANKED_MATCHES", 4)
    common = plan.endswith("walk")
    monkeypatch.setattr(search, "_matches_are_common", lambda matches, papers: common)
    # A common word walks at once, or when the window held too few.
    monkeypatch.setattr(search, "_matches_are_very_common", lambda matches, papers: plan == "walk")
    # The window starts at the day of the paper at this offset among the newest: the three newest
    # papers do not match, so offset 5 (2 January) holds five matches, offset 3 (3 January) three.
    monkeypatch.setattr(
        search, "_window", lambda matches, papers: 5 if plan == "window" else 3 if "small" in plan else None
    )
    windows = []
    in_window = search._newest_in_window
    monkeypatch.setattr(
        search, "_newest_in_window", lambda *args: windows.append(in_window(*args)) or windows[-1]
    )
    PaperFactory.create_batch(3, title="Hippocampus", listed_on=datetime.date(2024, 1, 9))
    undated = PaperFactory(title="Cortical column, no day", listed_on=None)
    papers = [
        PaperFactory(title=f"Cortical column {n}", listed_on=datetime.date(2024, 1, 1 + n % 3))
        for n in range(7)
    ]
    # Newest first as PostgreSQL sorts days descending: papers without a day first, then by day and id.
    newest_four = [undated, *sorted(papers, key=lambda p: (p.listed_on, p.pk), reverse=True)[:3]]

    with CaptureQueriesContext(connection) as queries:
        ids = {paper.pk for paper in Paper.objects.search("cortical")}

    assert ids == {paper.pk for paper in newest_four}
    # The ranking query: the window's ids come as an array, collecting every match sorts by
    # `listed_on + 0`, the walk orders by listed_on itself.
    ranking = queries.captured_queries[-1]["sql"]
    walked = "unnest" not in ranking and "+ 0)" not in ranking
    assert walked == plan.endswith("walk")
    if plan == "window":
        assert windows and windows[0] is not None, "the window held enough matches and was used"
    if "window too small" in plan:
        assert windows == [None], "too few matches in the window: the search looked further"
    if plan == "walk":
        assert windows == [], "a very common word walks at once"


@on_postgresql
def test_a_quoted_phrase_after_a_hyphenated_word_is_matched_exactly_in_the_window(monkeypatch):
    # The window asks the index for "zero-shot" alone (papers.catalogue.search._window_matches);
    # the phrase must still hold: "Zero-shot transfer ... learning" has both words, but not one after
    # the other.
    monkeypatch.setattr(search, "MAX_RANKED_MATCHES", 2)
    monkeypatch.setattr(search, "_window", lambda matches, papers: 2)  # from the third newest paper's day
    windows = []
    in_window = search._newest_in_window
    monkeypatch.setattr(
        search, "_newest_in_window", lambda *args: windows.append(in_window(*args)) or windows[-1]
    )
    newest = PaperFactory(title="Zero-shot learning of grid codes", listed_on=datetime.date(2024, 1, 10))
    PaperFactory(title="Zero-shot transfer, then learning", listed_on=datetime.date(2024, 1, 9))
    third = PaperFactory(title="Zero-shot learning in cortex", listed_on=datetime.date(2024, 1, 8))
    PaperFactory(title="Zero-shot learning, older", listed_on=datetime.date(2024, 1, 1))

    ids = {paper.pk for paper in Paper.objects.search('"zero-shot learning"')}

    assert ids == {newest.pk, third.pk}
    assert windows and windows[0] is not None, "the window held both matches and was used"


@on_postgresql
def test_a_query_without_words_asks_the_database_once(django_assert_num_queries):
    from papers.catalogue.search import parse_query

    parse_query.cache_clear()  # parses are remembered per process; this one must be asked for
    with django_assert_num_queries(1):
        assert list(Paper.objects.search("!!! ??? ...")) == []
    with django_assert_num_queries(0):
        assert list(Paper.objects.search("!!! ??? ...")) == [], "the same text is not parsed twice"


@on_postgresql
def test_a_stop_word_can_still_find_an_author_of_that_name():
    # "He" is an English stop word and a common surname; author names are parsed without stop words.
    paper = PaperFactory(authors=["Kaiming He"], title="Deep residual learning")

    assert [p.pk for p in Paper.objects.search("Kaiming He")] == [paper.pk]


@on_sqlite
def test_sqlite_falls_back_to_matching_every_word(client):
    assert connection.vendor == "sqlite"
    both = PaperFactory(title="Grid cells", abstract="Entorhinal cortex.")
    PaperFactory(title="Grid search for hyperparameters", abstract="Tuning.")

    ids = [paper.pk for paper in Paper.objects.search("grid entorhinal")]

    assert ids == [both.pk]


@on_sqlite
def test_sqlite_puts_papers_with_every_word_in_the_title_first(client):
    abstract_only = PaperFactory(title="Cortex", abstract="Grid cells", listed_on=datetime.date(2024, 2, 1))
    title = PaperFactory(title="Grid cells", abstract="Cortex", listed_on=datetime.date(2024, 1, 1))

    assert [paper.pk for paper in Paper.objects.search("grid cells")] == [title.pk, abstract_only.pk]


def test_clean_query_removes_control_characters_and_cuts_long_queries():
    assert search.clean_query("  grid\x00cells \n\t ") == ("grid cells", "")
    cut, notice = search.clean_query("a" * 500)
    assert len(cut) == search.MAX_QUERY_LENGTH
    assert notice == "Your query was longer than 200 characters, so only the first 200 were searched."


@pytest.mark.parametrize(
    "query",
    [
        "-" * 33,
        "grid " + "- " * 40,
        "-" * 200,
        " ".join(["-x"] * 40),
        "grid " + " OR ".join(["cells"] * 40),
        '"a" -' * 40,
    ],
)
def test_a_query_with_too_many_operators_is_cut_and_the_page_says_so(client, query):
    # 33 negations in a row overflowed PostgreSQL's tsquery parser ("tsquery stack too small").
    PaperFactory(title="Grid cells")

    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    assertContains(response, "operators (-, OR), so only the part before the 11th was searched.")


def test_a_query_with_a_few_operators_is_searched_whole():
    for query in ("diffusion -image", "hippocampus OR grid cells", '"in-context learning" -survey'):
        assert search.clean_query(query) == (query, "")


def test_hyphens_inside_words_are_not_operators():
    query = "state-of-the-art " * 6 + "x-y-z-w-v-u-t-s-r-q-p"

    assert search.clean_query(query)[1] == ""


operator_storms = st.lists(
    st.sampled_from(
        ["-", "- ", "--", " OR ", "or ", '"', "x", " ", "-x ", "a-b", "(", ")", "!", "|", "&", "<->"]
    ),
    max_size=150,
).map("".join)


@given(operator_storms | st.text(max_size=300))
@example("-" * 33)
@example("x " + "- " * 40)
@hypothesis_settings(max_examples=150, deadline=None)
def test_any_cleaned_query_can_be_searched(raw):
    query, _ = search.clean_query(raw)

    list(Paper.objects.search(query)[:1])


def test_the_highlight_filter_escapes_before_marking():
    from papers.catalogue.search import highlight

    marked = f"{search.HIGHLIGHT_START}<b>{search.HIGHLIGHT_STOP} & more"

    assert highlight(marked) == "<mark>&lt;b&gt;</mark> &amp; more"
    assert highlight(f"{search.HIGHLIGHT_START}unbalanced <i>") == "unbalanced &lt;i&gt;"


def test_no_results_page_does_not_list_papers(client):
    PaperFactory(title="Predictive coding")

    response = client.get("/search/", {"q": "zxqv"})

    assertNotContains(response, "paper-card-")


@pytest.mark.parametrize(
    ("parsed", "estimated_as"),
    [
        ("'zero-shot' <-> 'zero' <-> 'shot'", "'zero-shot'"),
        (
            "( 'fine-tun' <-> 'fine' <-> 'tune' ) | ( 'fine-tuning' <-> 'fine' <-> 'tuning' )",
            "( 'fine-tun' ) | ( 'fine-tuning' )",
        ),
        ("'state-of-the-art' <-> 'state' <3> 'art' & 'model'", "'state-of-the-art' & 'model'"),
        ("'o''brien-smith' <-> 'o''brien' <-> 'smith'", "'o''brien-smith'"),
        (
            "('chain-of-thought' <-> 'chain' <2> 'thought')"
            " | ('chain-of-thought' <-> 'chain' <-> 'of' <-> 'thought')",
            "'chain-of-thought'",
        ),
        ("('a-b' <-> 'a' <-> 'b') | ('c') | ('a-b' <-> 'a' <-> 'b')", "('a-b') | ('c') | ('a-b')"),
        ("'diffus' & 'model'", "'diffus' & 'model'"),
        ("('model') | ('models')", "('model') | ('models')"),
        ("'work' <-> 'memori'", "'work' <-> 'memori'"),
    ],
)
def test_a_hyphenated_word_is_estimated_without_its_parts(parsed, estimated_as):
    # The planner multiplies a phrase's words as if independent; a hyphenated word's parts always
    # come with it, so they are left out of the estimate (papers.catalogue.search._estimates).
    assert search.without_compound_parts(parsed) == estimated_as
