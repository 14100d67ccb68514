from __future__ import annotations

import datetime

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from tests.catalogue.html import card_ids, text
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

FRI_5 = datetime.date(2024, 1, 5)
MON_8 = datetime.date(2024, 1, 8)
WED_10 = datetime.date(2024, 1, 10)
FRI_12 = datetime.date(2024, 1, 12)


def test_it_shows_the_newest_day_with_papers(client):
    older = PaperFactory(listed_on=MON_8, title="Monday's paper")
    newest = PaperFactory(listed_on=WED_10, title="Wednesday's paper")

    response = client.get("/")

    assert response.status_code == 200
    assert card_ids(response) == [newest.pk]
    assertNotContains(response, older.title)
    assertContains(response, "Wednesday, 10 January 2024")


def test_the_home_page_of_an_empty_catalogue_says_so(client):
    response = client.get("/")

    assert response.status_code == 200
    assertContains(response, "No papers yet")


def test_previous_and_next_skip_days_without_papers(client):
    PaperFactory(listed_on=FRI_5)
    PaperFactory(listed_on=MON_8)
    PaperFactory(listed_on=FRI_12)

    response = client.get("/day/2024-01-08/")

    assertContains(response, 'href="/day/2024-01-05/" rel="prev"')
    assertContains(response, 'href="/day/2024-01-12/" rel="next"')


def test_the_first_and_last_days_have_no_link_beyond_them(client):
    PaperFactory(listed_on=FRI_5)
    PaperFactory(listed_on=MON_8)

    oldest, newest = client.get("/day/2024-01-05/"), client.get("/")

    assertNotContains(oldest, 'rel="prev"')
    assertContains(oldest, 'href="/day/2024-01-08/" rel="next"')
    assertContains(newest, 'href="/day/2024-01-05/" rel="prev"')
    assertNotContains(newest, 'rel="next"')


def test_a_day_without_papers_says_so_and_links_to_the_nearest_days(client):
    PaperFactory(listed_on=FRI_5)
    PaperFactory(listed_on=FRI_12)

    response = client.get("/day/2024-01-09/")

    assert response.status_code == 200
    assertContains(response, "Tuesday, 9 January 2024")
    assertContains(response, "No papers were listed on this day.")
    assertContains(response, 'href="/day/2024-01-05/"')
    assertContains(response, 'href="/day/2024-01-12/"')


def test_the_week_view_lists_the_whole_iso_week(client):
    monday = PaperFactory(listed_on=MON_8)
    sunday = PaperFactory(listed_on=datetime.date(2024, 1, 14))
    PaperFactory(listed_on=datetime.date(2024, 1, 15))  # the next week's Monday
    PaperFactory(listed_on=datetime.date(2024, 1, 7))  # the previous week's Sunday

    response = client.get("/week/2024-W02/")

    assert sorted(card_ids(response)) == sorted([monday.pk, sunday.pk])
    assertContains(response, "Week 2, 2024")
    assertContains(response, "8 \N{EN DASH} 14 January 2024")
    assertContains(response, 'href="/week/2024-W01/" rel="prev"')
    assertContains(response, 'href="/week/2024-W03/" rel="next"')


def test_week_navigation_skips_weeks_without_papers(client):
    PaperFactory(listed_on=datetime.date(2023, 12, 1))
    PaperFactory(listed_on=WED_10)

    response = client.get("/week/2024-W02/")

    assertContains(response, 'href="/week/2023-W48/" rel="prev"')


def test_the_month_view_lists_the_whole_month(client):
    first = PaperFactory(listed_on=datetime.date(2024, 2, 1))
    last = PaperFactory(listed_on=datetime.date(2024, 2, 29))
    PaperFactory(listed_on=datetime.date(2024, 3, 1))
    PaperFactory(listed_on=datetime.date(2024, 1, 31))

    response = client.get("/month/2024-02/")

    assert sorted(card_ids(response)) == sorted([first.pk, last.pk])
    assertContains(response, "February 2024")
    assertContains(response, 'href="/month/2024-01/" rel="prev"')
    assertContains(response, 'href="/month/2024-03/" rel="next"')


def test_the_period_switch_links_to_the_week_and_month_of_the_day(client):
    PaperFactory(listed_on=WED_10)

    response = client.get("/day/2024-01-10/")

    assertContains(response, 'href="/week/2024-W02/"')
    assertContains(response, 'href="/month/2024-01/"')


def test_switching_from_a_month_to_days_lands_on_a_day_with_papers(client):
    PaperFactory(listed_on=datetime.date(2024, 1, 17))

    response = client.get("/month/2024-01/")

    assertContains(response, 'href="/day/2024-01-17/"')


def test_it_sorts_by_total_upvotes_by_default(client):
    source_favourite = PaperFactory(source_upvotes=8, upvote_count=0)
    user_favourite = PaperFactory(source_upvotes=1, upvote_count=10)
    unloved = PaperFactory(source_upvotes=0, upvote_count=0)

    response = client.get("/")

    assert card_ids(response) == [user_favourite.pk, source_favourite.pk, unloved.pk]


def test_it_sorts_by_newest_when_asked(client):
    old = PaperFactory(published_on=datetime.date(2023, 6, 1), source_upvotes=50)
    new = PaperFactory(published_on=datetime.date(2024, 1, 9), source_upvotes=0)

    response = client.get("/?sort=newest")

    assert card_ids(response) == [new.pk, old.pk]
    assertContains(response, 'href="/?sort=newest" aria-current="true"')


def test_an_unknown_sort_falls_back_to_upvotes(client):
    low = PaperFactory(source_upvotes=1)
    high = PaperFactory(source_upvotes=9)

    response = client.get("/?sort=%3Cscript%3E")

    assert response.status_code == 200
    assert card_ids(response) == [high.pk, low.pk]


def test_day_navigation_keeps_the_chosen_sort(client):
    PaperFactory(listed_on=FRI_5)
    PaperFactory(listed_on=MON_8)

    response = client.get("/day/2024-01-08/?sort=newest")

    assertContains(response, 'href="/day/2024-01-05/?sort=newest" rel="prev"')
    assertContains(response, 'href="/week/2024-W02/?sort=newest"')


@pytest.mark.parametrize(
    "url",
    [
        "/day/2024-02-30/",
        "/day/2023-02-29/",
        "/day/2024-13-01/",
        "/day/0000-01-01/",
        "/day/24-01-10/",
        "/day/yesterday/",
        "/day/2024-1-10/",
        "/week/2024-W54/",
        "/week/2024-W00/",
        "/week/2024-02/",
        "/month/2024-13/",
        "/month/2024-00/",
        "/month/2024-1/",
    ],
)
def test_a_malformed_date_is_a_404(client, url):
    response = client.get(url)

    assert response.status_code == 404
    assertContains(response, "We could not find that page", status_code=404)


@pytest.mark.parametrize(
    "url", ["/day/9999-12-31/", "/week/9999-W52/", "/month/9999-12/", "/day/0001-01-01/"]
)
def test_dates_at_the_ends_of_the_calendar_do_not_error(client, url):
    PaperFactory(listed_on=WED_10)

    assert client.get(url).status_code == 200


def test_page_two_has_the_next_papers(client):
    PaperFactory.create_batch(35, listed_on=WED_10)

    first, second = client.get("/"), client.get("/?page=2")

    assert len(card_ids(first)) == 30
    assert len(card_ids(second)) == 5
    assert not set(card_ids(first)) & set(card_ids(second))
    assertContains(first, 'href="/?page=2"')
    assertContains(second, "Page 2 of 2")
    assertContains(second, 'href="/">« First page</a>')


def test_a_page_past_the_end_shows_the_last_page(client):
    PaperFactory.create_batch(35, listed_on=WED_10)

    response = client.get("/?page=999999999999999999999")

    assert response.status_code == 200
    assert len(card_ids(response)) == 5


@pytest.mark.parametrize("page", ["0", "-3", "two", "1.5", ""])
def test_a_malformed_page_number_shows_the_first_page(client, page):
    PaperFactory.create_batch(3, listed_on=WED_10)

    response = client.get("/", {"page": page})

    assert response.status_code == 200
    assert len(card_ids(response)) == 3


def test_load_more_with_htmx_returns_only_the_next_cards(client):
    PaperFactory.create_batch(65, listed_on=WED_10)

    response = client.get("/?page=2", headers={"HX-Request": "true", "HX-Target": "load-more"})

    body = text(response)
    assert "<html" not in body
    assert "<header" not in body
    assert len(card_ids(response)) == 30
    assert 'id="load-more"' in body
    assert 'hx-get="/?page=3"' in body
    assert "HX-Request" in response["Vary"]


def test_the_last_htmx_page_has_no_load_more(client):
    PaperFactory.create_batch(31, listed_on=WED_10)

    response = client.get("/?page=2", headers={"HX-Request": "true"})

    assert len(card_ids(response)) == 1
    assert 'id="load-more"' not in text(response)


def test_a_history_restore_request_gets_the_whole_page(client):
    PaperFactory(listed_on=WED_10)

    response = client.get("/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})

    assert "<html" in text(response)


def test_the_daily_page_reads_a_fixed_number_of_rows(
    client, django_assert_num_queries, cache_off_the_database
):
    PaperFactory.create_batch(40, listed_on=WED_10)
    PaperFactory(listed_on=MON_8)

    # the newest day, the listing days before and after it (one query), the count, the page
    with django_assert_num_queries(4):
        response = client.get("/")

    assert len(card_ids(response)) == 30
