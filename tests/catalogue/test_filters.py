"""Category, date and author filters on the listings and search; categories remembered per reader."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client

from papers.models import Profile
from tests.catalogue.html import card_ids, text
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 1, 10)
DAY_URL = f"/day/{DAY.isoformat()}/"


@pytest.fixture
def papers():
    return {
        "language": PaperFactory(listed_on=DAY, categories=["cs.CL", "cs.LG"], title="Language models"),
        "vision": PaperFactory(listed_on=DAY, categories=["cs.CV"], title="Vision transformers"),
        "both": PaperFactory(listed_on=DAY, categories=["cs.CV", "cs.CL"], title="Captioning images"),
        "neuro": PaperFactory(listed_on=DAY, categories=["q-bio.NC"], title="Grid cells"),
    }


def test_a_listing_keeps_to_the_included_categories(client, papers):
    response = client.get(DAY_URL, {"cat": "cs.CL q-bio.NC"})

    assert set(card_ids(response)) == {papers["language"].pk, papers["both"].pk, papers["neuro"].pk}


def test_a_listing_leaves_out_papers_in_any_excluded_category(client, papers):
    response = client.get(DAY_URL, {"cat": "cs.CL", "xcat": "cs.CV"})

    assert card_ids(response) == [papers["language"].pk]


def test_a_category_matches_exactly_not_as_a_prefix(client, papers):
    assert card_ids(client.get(DAY_URL, {"cat": "cs.C"})) == []


def test_week_month_and_trending_take_the_same_filters(client, papers):
    week = client.get("/week/2024-W02/", {"xcat": "cs.CV"})
    month = client.get("/month/2024-01/", {"xcat": "cs.CV"})
    trending = client.get("/trending/", {"xcat": "cs.CV"})

    expected = {papers["language"].pk, papers["neuro"].pk}
    assert set(card_ids(week)) == set(card_ids(month)) == set(card_ids(trending)) == expected


def test_an_author_filter_finds_any_spelling_of_the_name(client):
    kaiser = PaperFactory(listed_on=DAY, authors=["Łukasz Kaiser"])
    PaperFactory(listed_on=DAY, authors=["Ada Lovelace"])

    response = client.get("/month/2024-01/", {"author": "lukasz kaiser"})

    assert card_ids(response) == [kaiser.pk]


def test_a_date_range_keeps_papers_listed_within_it(client):
    early = PaperFactory(listed_on=datetime.date(2024, 1, 3))
    late = PaperFactory(listed_on=datetime.date(2024, 1, 20))

    response = client.get("/month/2024-01/", {"since": "2024-01-10", "until": "2024-01-31"})

    assert card_ids(response) == [late.pk]
    assert early.pk not in card_ids(response)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"cat": "cs.CL; DROP TABLE"}, "is not an arXiv category"),
        ({"since": "yesterday"}, "must be written like 2024-01-31"),
        ({"since": "2024-02-01", "until": "2024-01-01"}, "first date is after the last date"),
        ({"author": "x" * 301}, "at most 300 characters"),
        ({"cat": " ".join(f"cs.A{n}" for n in range(21))}, "At most 20 categories"),
    ],
)
def test_a_filter_that_cannot_be_applied_is_a_400_that_says_why(client, papers, params, message):
    for url in (DAY_URL, "/trending/", "/search/?q=models"):
        response = client.get(url, params)

        assert response.status_code == 400
        assert message in text(response)


def test_the_filter_form_works_without_javascript_and_keeps_its_values(client, papers):
    response = client.get(DAY_URL, {"cat": "cs.CL", "xcat": "cs.CV", "author": "Ada Lovelace"})
    page = text(response)

    assert '<form class="filters__form" id="filters-form" method="get"' in page
    assert 'name="cat" value="cs.CL"' in page
    assert 'name="xcat" value="cs.CV"' in page
    assert 'name="author" value="Ada Lovelace"' in page


def test_htmx_gets_the_listing_body_alone(client, papers):
    response = client.get(
        DAY_URL, {"xcat": "cs.CV"}, headers={"HX-Request": "true", "HX-Target": "listing-body"}
    )

    assert text(response).lstrip().startswith('<div id="listing-body">')
    assert "<html" not in text(response)
    assert set(card_ids(response)) == {papers["language"].pk, papers["neuro"].pk}


def test_links_to_other_days_and_orders_keep_the_filters(client, papers):
    PaperFactory(listed_on=DAY - datetime.timedelta(days=1))

    page = text(client.get(DAY_URL, {"xcat": "cs.CV"}))

    assert 'href="/day/2024-01-09/?xcat=cs.CV"' in page
    assert f'href="{DAY_URL}?xcat=cs.CV&amp;sort=newest"' in page


# Remembered categories


def test_a_reader_remembers_categories_and_every_listing_uses_them(alice, alice_client, papers):
    response = alice_client.post(
        "/account/categories/", {"cat": "cs.CL", "xcat": "cs.CV", "next": f"{DAY_URL}?cat=cs.CL&xcat=cs.CV"}
    )

    assert response.status_code == 302 and response["Location"] == DAY_URL
    profile = Profile.objects.get(user=alice)
    assert (profile.categories_included, profile.categories_excluded) == (["cs.CL"], ["cs.CV"])
    assert card_ids(alice_client.get(DAY_URL)) == [papers["language"].pk]
    assert "(remembered)" in text(alice_client.get(DAY_URL))
    assert card_ids(alice_client.get("/trending/")) == [papers["language"].pk]


def test_the_address_overrides_the_remembered_categories(alice_client, papers):
    alice_client.post("/account/categories/", {"cat": "cs.CL", "xcat": "cs.CV"})

    response = alice_client.get(DAY_URL, {"cat": "", "xcat": ""})

    assert len(card_ids(response)) == 4


def test_forgetting_the_categories_shows_every_category_again(alice, alice_client, papers):
    alice_client.post("/account/categories/", {"cat": "cs.CL"})

    alice_client.post("/account/categories/", {"forget": "1"})

    assert len(card_ids(alice_client.get(DAY_URL))) == 4


def test_remembered_categories_are_the_readers_own(alice_client, bob_client, papers):
    alice_client.post("/account/categories/", {"cat": "cs.CL"})

    assert len(card_ids(bob_client.get(DAY_URL))) == 4
    assert len(card_ids(Client().get(DAY_URL))) == 4


def test_remembering_categories_needs_a_post_with_a_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.get("/account/categories/").status_code == 405
    assert client.post("/account/categories/", {"cat": "cs.CL"}).status_code == 403
    assert Profile.objects.filter(user=alice, categories_included=["cs.CL"]).count() == 0


def test_a_visitor_is_asked_to_log_in_to_remember_categories(client):
    response = client.post("/account/categories/", {"cat": "cs.CL", "next": DAY_URL})

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_malformed_category_is_not_remembered(alice, alice_client):
    response = alice_client.post("/account/categories/", {"cat": "not a category!"})

    assert response.status_code == 400
    assert not Profile.objects.filter(user=alice).exclude(categories_included=[]).exists()


# Search


def test_search_takes_the_filters(client, papers):
    response = client.get("/search/", {"q": "language OR vision OR captioning", "xcat": "cs.CV"})

    assert card_ids(response) == [papers["language"].pk]


def test_search_sorts_by_relevance_newest_or_upvotes(client):
    old_popular = PaperFactory(
        title="Sparse attention", listed_on=datetime.date(2023, 5, 1), source_upvotes=90
    )
    new_quiet = PaperFactory(
        title="Attention sinks", abstract="Sparse attention again.", listed_on=DAY, source_upvotes=1
    )

    newest = client.get("/search/", {"q": "sparse attention", "sort": "newest"})
    upvotes = client.get("/search/", {"q": "sparse attention", "sort": "upvotes"})
    relevance = client.get("/search/", {"q": "sparse attention"})

    assert card_ids(newest) == [new_quiet.pk, old_popular.pk]
    assert card_ids(upvotes) == [old_popular.pk, new_quiet.pk]
    assert card_ids(relevance)[0] == old_popular.pk, "both words in the title"
    assert '<option value="newest" selected>' in text(newest)


def test_search_uses_a_readers_remembered_categories(alice_client, papers):
    alice_client.post("/account/categories/", {"xcat": "cs.CV"})

    response = alice_client.get("/search/", {"q": "language OR vision OR captioning"})

    assert card_ids(response) == [papers["language"].pk]


@pytest.mark.parametrize("size", [5, 40])
def test_a_filtered_search_reads_a_fixed_number_of_rows(
    alice, alice_client, django_assert_num_queries, cache_off_the_database, size
):
    PaperFactory.create_batch(size, title="Grid cells and place cells", categories=["q-bio.NC"])
    PaperFactory.create_batch(size, title="Grid cells in silicon", categories=["cs.NE"])

    params = {"q": "grid cells", "xcat": "cs.NE", "sort": "newest"}
    alice_client.get("/search/", params)  # PostgreSQL's parse of the query is kept in the process

    # session, user, the user's remembered categories; the count and the page of matches (filtered and
    # without the user's dismissals, by one query each); the user's lists, saves and upvotes among the
    # page's papers. On PostgreSQL also the planner's estimate and the catalogue's size
    # (papers.catalogue.search chooses its plan from them), and the highlights of the page.
    with django_assert_num_queries(11 if connection.vendor == "postgresql" else 8):
        response = alice_client.get("/search/", params)

    assert len(card_ids(response)) == min(size, 30)


@pytest.mark.parametrize("size", [5, 40])
def test_filtered_trending_reads_a_fixed_number_of_rows(
    alice, alice_client, django_assert_num_queries, cache_off_the_database, size
):
    PaperFactory.create_batch(size, listed_on=DAY, categories=["cs.CL"])
    PaperFactory.create_batch(size, listed_on=DAY, categories=["cs.CV"])

    # session, user, the user's remembered categories; the newest listing day, the count, the page; the
    # user's lists, saves and upvotes among the page's papers
    with django_assert_num_queries(9):
        response = alice_client.get("/trending/", {"cat": "cs.CL"})

    assert len(card_ids(response)) == min(size, 30)


def test_categories_are_read_as_arxiv_writes_them(client, papers):
    response = client.get(DAY_URL, {"cat": "CS.cl", "xcat": "cs.cv"})

    assert card_ids(response) == [papers["language"].pk]
    assert 'name="cat" value="cs.CL"' in text(response)


def test_a_longer_subject_class_is_lower_case():
    from papers.catalogue.filters import parse_categories

    assert parse_categories("Physics.Optics COND-MAT.MES-HALL hep-th stat.ml") == (
        "physics.optics",
        "cond-mat.mes-hall",
        "hep-th",
        "stat.ML",
    )
