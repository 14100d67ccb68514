"""/feed/ reads stored rows: order, paging, what it leaves out, visits, impressions, and its empty states."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from papers.models import Dismissal, Paper, Profile
from recommender.feed_query import feed_page
from recommender.models import FeedImpression
from tests.factories import PaperFactory
from tests.feed.corpus import HTMX, model_version, recommend, save
from tests.feed.html import feed_card_ids

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def visited(user, *, hours_ago: float, previous_days_ago: float | None = None) -> None:
    now = timezone.now()
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "feed_visited_at": now - datetime.timedelta(hours=hours_ago),
            "feed_previous_visit_at": (
                now - datetime.timedelta(days=previous_days_ago) if previous_days_ago is not None else None
            ),
        },
    )


def test_papers_listed_since_the_last_visit_come_first_each_part_by_rank(alice_client, alice):
    old_best, old_second = PaperFactory(listed_on=days_ago(30)), PaperFactory(listed_on=days_ago(20))
    new_best, new_second = PaperFactory(listed_on=days_ago(1)), PaperFactory(listed_on=days_ago(2))
    on_the_day = PaperFactory(listed_on=days_ago(5))
    recommend(alice, [old_best, new_second, old_second, on_the_day, new_best], model_version())
    # Last here five days ago: whatever was listed that day or later is new.
    visited(alice, hours_ago=5 * 24)

    response = alice_client.get("/feed/")

    assert feed_card_ids(response) == [new_second.pk, on_the_day.pk, new_best.pk, old_best.pk, old_second.pk]
    assert [entry.is_new for entry in response.context["page"].entries] == [True, True, True, False, False]
    assertContains(response, 'title="Listed since your last visit">New</span>', count=3)


def test_a_brand_new_readers_feed_does_not_count_new_from_before_they_joined(alice_client, alice):
    papers = [PaperFactory(listed_on=days_ago(1)), PaperFactory(listed_on=days_ago(9))]
    recommend(alice, papers, model_version())

    response = alice_client.get("/feed/")

    assertNotContains(response, "Papers listed since")
    assertContains(response, "The newest papers come first")


def test_a_returning_reader_is_told_since_when_papers_count_as_new(alice_client, alice):
    recommend(alice, [PaperFactory(listed_on=days_ago(1))], model_version())
    visited(alice, hours_ago=5 * 24, previous_days_ago=9)

    response = alice_client.get("/feed/")

    assertContains(response, f"Papers listed since {days_ago(5).day} ")
    assertNotContains(response, "The newest papers come first")


def test_a_refresh_within_the_hour_keeps_new_papers_new(alice_client, alice):
    fresh, old = PaperFactory(listed_on=days_ago(3)), PaperFactory(listed_on=days_ago(40))
    recommend(alice, [old, fresh], model_version())
    visited(alice, hours_ago=10 * 24)

    first = alice_client.get("/feed/")
    again = alice_client.get("/feed/")

    assert feed_card_ids(first) == feed_card_ids(again) == [fresh.pk, old.pk]
    profile = Profile.for_user(alice)
    assert profile.feed_previous_visit_at is not None
    assert timezone.now() - profile.feed_visited_at < datetime.timedelta(minutes=1)
    assert timezone.now() - profile.feed_previous_visit_at > datetime.timedelta(days=9)


def test_the_visit_moves_at_most_once_an_hour(alice_client, alice):
    recommend(alice, [PaperFactory()], model_version())
    visited(alice, hours_ago=0.5, previous_days_ago=2)
    before = Profile.for_user(alice)

    alice_client.get("/feed/")

    after = Profile.for_user(alice)
    assert (after.feed_visited_at, after.feed_previous_visit_at) == (
        before.feed_visited_at,
        before.feed_previous_visit_at,
    )


def test_a_first_visit_calls_the_last_few_days_new(alice_client, alice):
    recent, older = PaperFactory(listed_on=days_ago(2)), PaperFactory(listed_on=days_ago(8))
    recommend(alice, [older, recent], model_version())

    response = alice_client.get("/feed/")

    assert feed_card_ids(response) == [recent.pk, older.pk]
    assert Profile.for_user(alice).feed_visited_at is not None


def test_load_more_brings_the_next_page(alice_client, alice):
    papers = PaperFactory.create_batch(45)
    recommend(alice, papers, model_version())

    first = alice_client.get("/feed/")
    second = alice_client.get("/feed/?offset=20", headers=HTMX | {"HX-Target": "feed-more"})
    last = alice_client.get("/feed/?offset=40")

    assert feed_card_ids(first) == [p.pk for p in papers[:20]]
    assertContains(first, 'href="/feed/?offset=20" hx-get="/feed/?offset=20"')
    assert feed_card_ids(second) == [p.pk for p in papers[20:40]]
    assertNotContains(second, "<html")
    assertContains(second, 'id="feed-more"')
    assert feed_card_ids(last) == [p.pk for p in papers[40:]]
    assertNotContains(last, 'id="feed-more"')


def test_load_more_skips_the_cards_already_on_the_page(alice_client, alice):
    papers = PaperFactory.create_batch(30)
    recommend(alice, papers, model_version())
    # The page shows 0-19, but paper 3 was dismissed and 20 took its place; then a re-rank moved 25 up.
    shown = [p.pk for p in papers[:20] if p != papers[3]] + [papers[20].pk]
    Dismissal.objects.create(user=alice, paper=papers[3])

    response = alice_client.get(
        "/feed/", {"offset": 20, "shown": shown}, headers=HTMX | {"HX-Target": "feed-more"}
    )

    assert feed_card_ids(response) == [p.pk for p in papers[21:]]


def test_load_more_ignores_what_is_not_a_paper_id(alice_client, alice):
    papers = PaperFactory.create_batch(22)
    recommend(alice, papers, model_version())
    shown = [p.pk for p in papers[:20]] + ["¹", "x", str(2**64), "-1"]

    response = alice_client.get(
        "/feed/", {"offset": 20, "shown": shown}, headers=HTMX | {"HX-Target": "feed-more"}
    )

    assert feed_card_ids(response) == [p.pk for p in papers[20:]]


def test_the_feed_leaves_out_dismissed_and_saved_papers_before_the_re_rank(alice_client, alice):
    kept, dismissed, saved = PaperFactory(), PaperFactory(), PaperFactory()
    recommend(alice, [dismissed, saved, kept], model_version())
    Dismissal.objects.create(user=alice, paper=dismissed)
    save(alice, saved)

    assert feed_card_ids(alice_client.get("/feed/")) == [kept.pk]


def test_the_feed_reads_only_the_current_version(alice_client, alice):
    old_choice, current_choice = PaperFactory(), PaperFactory()
    recommend(alice, [old_choice], model_version())
    recommend(alice, [current_choice], model_version())

    assert feed_card_ids(alice_client.get("/feed/")) == [current_choice.pk]


def test_the_feed_shows_only_the_users_own_recommendations(alice_client, alice, bob):
    alices, bobs = PaperFactory(), PaperFactory()
    version = model_version()
    recommend(alice, [alices], version)
    recommend(bob, [bobs], version)

    assert feed_card_ids(alice_client.get("/feed/")) == [alices.pk]


def test_each_card_says_why_and_links_the_related_paper(alice_client, alice):
    saved = PaperFactory(title="Spiking neural networks for event cameras")
    similar, collaborative = PaperFactory(), PaperFactory()
    version = model_version()
    recommend(alice, [similar], version, reason="similar", reason_paper=saved)
    recommend(alice, [collaborative], version, reason="collaborative", reason_paper=saved)
    alice.recommendations.filter(paper=collaborative).update(rank=2)
    alice.recommendations.filter(paper=similar).update(reason_terms=["spiking", "neuromorphic"])

    response = alice_client.get("/feed/")

    link = f'<a href="{saved.get_absolute_url()}">Spiking neural networks for event cameras</a>'
    assertContains(response, f"Close to “{link}”, which you saved — shares spiking, neuromorphic")
    assertContains(response, f"Saved by readers who also saved “{link}”")


def test_the_reason_escapes_what_a_title_holds(alice_client, alice):
    saved = PaperFactory(title="<script>alert(1)</script>")
    recommend(alice, [PaperFactory()], model_version(), reason="similar", reason_paper=saved)

    body = alice_client.get("/feed/").content.decode()

    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</a>" in body


def test_the_feed_records_what_the_user_was_shown(alice_client, alice):
    papers = PaperFactory.create_batch(25)
    recommend(alice, papers, model_version())

    alice_client.get("/feed/")
    alice_client.get("/feed/")

    seen = set(FeedImpression.objects.filter(user=alice).values_list("paper_id", flat=True))
    assert seen == {p.pk for p in papers[:20]}


def test_a_page_that_changed_records_its_new_papers(alice_client, alice):
    papers = PaperFactory.create_batch(21)
    recommend(alice, papers, model_version())
    alice_client.get("/feed/")  # the first 20: stored, and remembered as stored

    Dismissal.objects.create(user=alice, paper=papers[0])
    alice_client.get("/feed/")  # papers[1:21]: the last one is new

    seen = set(FeedImpression.objects.filter(user=alice).values_list("paper_id", flat=True))
    assert seen == {p.pk for p in papers}


def test_feed_entries_hold_what_the_database_holds(alice):
    """The page's hand-written query loads recommendations and papers as the ORM would: dates, JSON,
    nulls; the related paper's unread columns load when asked for."""
    saved = PaperFactory(title="Spiking neural networks", listed_on=days_ago(30))
    paper = PaperFactory(listed_on=None, categories=["cs.LG", "q-bio.NC"])
    recommend(alice, [paper], model_version(), reason="similar", reason_paper=saved)
    alice.recommendations.update(reason_terms=["spiking", "neuromorphic"], score=0.25)

    (entry,) = feed_page(alice, since=days_ago(3)).entries

    def fields(instance, model):
        return {f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields}

    stored = alice.recommendations.get()
    assert fields(entry.recommendation, type(stored)) == fields(stored, type(stored))
    assert {k: v for k, v in fields(entry.paper, Paper).items() if k != "search_vector"} == {
        k: v for k, v in fields(Paper.objects.get(pk=paper.pk), Paper).items() if k != "search_vector"
    }
    assert not entry.is_new  # a paper without a listing day is never "new"
    assert entry.reason_paper.title == "Spiking neural networks"
    assert entry.reason_paper.listed_on == days_ago(30)  # not read by the page query: loaded on demand


def test_feed_page_works_without_a_since_day(alice):
    paper = PaperFactory()
    recommend(alice, [paper], model_version())

    page = feed_page(alice)

    assert page.papers == [paper]
    assert not page.has_more
    assert page.next_offset == 1


def test_anonymous_visitors_see_trending_papers_and_an_invitation(client):
    hot = PaperFactory(title="A paper everyone upvotes", source_upvotes=50, listed_on=days_ago(1))
    PaperFactory(title="A quiet paper", source_upvotes=0, listed_on=days_ago(1))

    response = client.get("/feed/")

    assert response.status_code == 200
    assertContains(response, 'href="/accounts/signup/?next=/onboarding/"')
    assertContains(response, "Sign up for your feed")
    assert response.context["papers"][0] == hot
    assertContains(response, f'id="paper-card-{hot.pk}"')


def test_a_user_without_any_signal_is_sent_to_onboarding(alice_client):
    model_version()

    assertRedirects(alice_client.get("/feed/"), "/onboarding/")


def test_an_htmx_poll_of_a_user_without_signals_redirects_the_whole_page(alice_client):
    response = alice_client.get("/feed/", headers=HTMX | {"HX-Target": "feed-body"})

    assert response["HX-Redirect"] == "/onboarding/"


def test_an_onboarded_user_without_rows_sees_the_feed_being_personalized(alice_client, alice):
    model_version()
    Profile.objects.create(user=alice, interests=["spiking"], onboarded_at=timezone.now())

    response = alice_client.get("/feed/")

    assertContains(response, "Personalizing your feed…")
    assertContains(response, 'hx-get="/feed/?poll=1" hx-trigger="every 2s" hx-target="#feed-body"')
    assertContains(response, '<a href="/feed/">Refresh</a>')


def test_the_poll_brings_the_feed_once_the_rows_exist(alice_client, alice):
    version = model_version()
    Profile.objects.create(user=alice, interests=["spiking"], onboarded_at=timezone.now())
    poll = {"HX-Target": "feed-body"} | HTMX
    waiting = alice_client.get("/feed/?poll=1", headers=poll)
    paper = PaperFactory()
    recommend(alice, [paper], version)

    ready = alice_client.get("/feed/?poll=2", headers=poll)

    assertContains(waiting, 'hx-get="/feed/?poll=2"')
    assertNotContains(waiting, "<html")
    assert feed_card_ids(ready) == [paper.pk]
    assert ready.content.decode().lstrip().startswith('<div id="feed-body"')
    assertNotContains(ready, "hx-trigger")


def test_the_poll_gives_up_after_a_few_minutes(alice_client, alice):
    model_version()
    Profile.objects.create(user=alice, interests=["spiking"], onboarded_at=timezone.now())

    response = alice_client.get("/feed/?poll=90", headers=HTMX | {"HX-Target": "feed-body"})

    assertContains(response, "taking longer than usual")
    assertNotContains(response, "hx-trigger")


def test_before_the_first_training_an_active_user_hears_the_recommender_is_warming_up(alice_client, alice):
    save(alice, PaperFactory())

    response = alice_client.get("/feed/")

    assertContains(response, "The recommender is warming up")
    assertNotContains(response, "hx-trigger")


def test_a_user_who_saved_or_hid_everything_is_told_so(alice_client, alice):
    paper = PaperFactory()
    recommend(alice, [paper], model_version())
    save(alice, paper)

    response = alice_client.get("/feed/")

    assertContains(response, "You have seen everything for now")


def test_just_onboarded_users_are_offered_the_email_digest(alice_client, alice):
    recommend(alice, [PaperFactory()], model_version())

    response = alice_client.get("/feed/?welcome=1")

    assertContains(response, "Get a daily or weekly digest")
    assertNotContains(alice_client.get("/feed/"), "Get a daily or weekly digest")


def test_the_header_links_the_feed(client):
    assertContains(client.get("/"), '<a href="/feed/"')


@pytest.mark.parametrize(
    "offset",
    [
        "9223372036854775808",
        "9" * 40,
        "1" + "0" * 5000,
        "-1",
        "-9223372036854775809",
        "x",
        "1e3",
        " 1",
        "\N{ARABIC-INDIC DIGIT ONE}",
    ],
)
def test_an_offset_that_is_no_count_of_this_feed_shows_the_first_page(alice_client, alice, offset):
    # PostgreSQL refused an OFFSET past 2**63 - 1 ("bigint out of range"): the view must never ask.
    papers = PaperFactory.create_batch(3)
    recommend(alice, papers, model_version())

    response = alice_client.get("/feed/", {"offset": offset})

    assert response.status_code == 200
    assert feed_card_ids(response) == [paper.pk for paper in papers]


def test_an_offset_just_past_the_feed_shows_its_end(alice_client, alice):
    recommend(alice, PaperFactory.create_batch(3), model_version())

    assert feed_card_ids(alice_client.get("/feed/", {"offset": 3})) == []
