"""Alerts: saved searches and followed authors. New papers that match (matched after each import,
idempotently) appear in the reader's feed marked with the alerts' names, once per paper, in their digest,
and in a private Atom feed per alert."""

from __future__ import annotations

import datetime

import feedparser
import pytest
from django.test import Client

from papers.alerts.matching import match_new_papers
from papers.importers import PaperRecord, import_records
from papers.lists.operations import default_reading_list, reading_list_add
from papers.models import Alert, AlertMatch, Dismissal, Paper, Profile
from tests.catalogue.html import card_ids, text
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)


def record(arxiv_id: str, title: str, **fields: object) -> PaperRecord:
    values: dict = {
        "title": title,
        "source": Paper.Source.ARXIV_API,
        "arxiv_id": arxiv_id,
        "authors": ["Ada Lovelace"],
        "abstract": "A study.",
        "categories": ["cs.LG"],
        "published_on": "2026-11-20T10:00:00Z",
        "listed_on": "2026-11-21",
    }
    return PaperRecord(**(values | fields))


def imported(django_capture_on_commit_callbacks, *records: PaperRecord) -> None:
    """Import as the daily fetch does; the alert task runs once the import commits."""
    with django_capture_on_commit_callbacks(execute=True):
        import_records(list(records), origin="test", today=TODAY)


def save_search(client: Client, q: str, **fields: str):
    return client.post("/alerts/new/", {"q": q, **fields})


@pytest.fixture
def alice_alerts(alice, alice_client):
    save_search(alice_client, "spiking neurons", name="Spiking")
    save_search(alice_client, '"event camera" OR neuromorphic', name="Neuromorphic", xcat="cs.CV")
    PaperFactory(authors=["Łukasz Kaiser"], listed_on=datetime.date(2024, 1, 1))
    alice_client.post("/authors/lukasz-kaiser/follow/")
    return {alert.name: alert for alert in Alert.objects.filter(user=alice)}


# Matching


def test_new_papers_that_match_are_recorded_after_the_import(
    alice_alerts, django_capture_on_commit_callbacks
):
    imported(
        django_capture_on_commit_callbacks,
        record("2611.00001", "Spiking neurons on event cameras", abstract="A neuromorphic chip."),
        record("2611.00002", "Event camera deblurring", categories=["cs.CV"]),
        record("2611.00003", "Attention is all you need, again", authors=["Lukasz KAISER"]),
        record("2611.00004", "Protein folding"),
    )

    matched = {(m.alert.name, m.paper.arxiv_id) for m in AlertMatch.objects.select_related("alert", "paper")}
    assert matched == {
        ("Spiking", "2611.00001"),
        ("Neuromorphic", "2611.00001"),
        ("Łukasz Kaiser", "2611.00003"),
    }, "the cs.CV paper is left out by the alert's excluded category"


def test_matching_twice_records_nothing_new(alice_alerts, django_capture_on_commit_callbacks):
    imported(django_capture_on_commit_callbacks, record("2611.00001", "Spiking neurons"))
    ids = list(Paper.objects.filter(arxiv_id="2611.00001").values_list("pk", flat=True))

    assert match_new_papers(ids) == 0
    assert AlertMatch.objects.count() == 1


def test_a_paper_already_in_the_catalogue_is_not_news(alice_alerts, django_capture_on_commit_callbacks):
    imported(django_capture_on_commit_callbacks, record("2611.00001", "Protein folding"))
    AlertMatch.objects.all().delete()

    # The same paper again, now with words an alert looks for: an update, not a new paper.
    imported(
        django_capture_on_commit_callbacks,
        record("2611.00001", "Protein folding", abstract="spiking neurons"),
    )

    assert not AlertMatch.objects.exists()


def test_a_paper_without_a_listing_day_is_not_news(alice_alerts, django_capture_on_commit_callbacks):
    imported(django_capture_on_commit_callbacks, record("2611.00001", "Spiking neurons", listed_on=None))

    assert not AlertMatch.objects.exists()


def test_saved_searches_read_the_search_syntax(alice, alice_client, django_capture_on_commit_callbacks):
    save_search(alice_client, "diffusion -image", name="Diffusion, no images")
    imported(
        django_capture_on_commit_callbacks,
        record("2611.00001", "Diffusion for proteins"),
        record("2611.00002", "Diffusion for image synthesis"),
    )

    assert list(AlertMatch.objects.values_list("paper__arxiv_id", flat=True)) == ["2611.00001"]


# Feed


def test_matches_appear_in_the_feed_with_the_alerts_names_once_per_paper(
    alice_client, alice_alerts, django_capture_on_commit_callbacks
):
    imported(
        django_capture_on_commit_callbacks,
        record("2611.00001", "Spiking neurons on event cameras", abstract="A neuromorphic chip."),
    )
    paper = Paper.objects.get(arxiv_id="2611.00001")

    page = text(alice_client.get("/feed/"))

    assert "From your alerts" in page
    assert card_ids(alice_client.get("/feed/")).count(paper.pk) == 1
    assert 'Alerts: <a class="feed-alert-name"' in page
    assert ">Neuromorphic</a>, <a" in page and ">Spiking</a>" in page


def test_the_feed_leaves_out_matches_the_reader_dismissed_or_saved(
    alice, alice_client, alice_alerts, django_capture_on_commit_callbacks
):
    imported(
        django_capture_on_commit_callbacks,
        record("2611.00001", "Spiking neurons one"),
        record("2611.00002", "Spiking neurons two"),
        record("2611.00003", "Spiking neurons three"),
    )
    one, two, three = Paper.objects.filter(arxiv_id__startswith="2611.").order_by("arxiv_id")
    Dismissal.objects.create(user=alice, paper=one)
    reading_list_add(reading_list=default_reading_list(alice), paper=two)

    assert card_ids(alice_client.get("/feed/")) == [three.pk]


def test_another_readers_alerts_never_show(alice_alerts, bob_client, django_capture_on_commit_callbacks):
    imported(django_capture_on_commit_callbacks, record("2611.00001", "Spiking neurons"))

    assert "From your alerts" not in text(bob_client.get("/feed/"))


# Saving and deleting


def test_saving_a_search_keeps_its_words_and_filters(alice, alice_client):
    response = save_search(alice_client, "grid cells", cat="q-bio.NC", xcat="cs.CV", author="Ada Lovelace")

    assert response.status_code == 302 and response["Location"] == "/alerts/"
    alert = Alert.objects.get(user=alice)
    assert (alert.name, alert.query, alert.kind) == ("grid cells", "grid cells", "search")
    assert (alert.categories_included, alert.categories_excluded) == (["q-bio.NC"], ["cs.CV"])
    assert alert.author_key == "ada lovelace"
    assert "grid cells" in text(alice_client.get("/alerts/"))


@pytest.mark.parametrize(
    "fields",
    [
        {"q": ""},
        {"q": "x", "name": "n" * 101},
        {"q": "x" * 201},
        {"q": "x", "cat": "cs.CL!"},
    ],
)
def test_a_search_that_cannot_be_saved_is_a_400(alice_client, fields):
    assert alice_client.post("/alerts/new/", fields).status_code == 400
    assert not Alert.objects.exists()


def test_saving_a_search_needs_a_post_with_a_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.get("/alerts/new/").status_code == 405
    assert client.post("/alerts/new/", {"q": "grid cells"}).status_code == 403


def test_a_visitor_is_asked_to_log_in(client):
    assert client.get("/alerts/")["Location"].startswith("/accounts/login/")
    assert client.post("/alerts/new/", {"q": "x"})["Location"].startswith("/accounts/login/")


def test_the_search_page_offers_to_save_the_search_with_its_filters(alice_client):
    page = text(alice_client.get("/search/", {"q": "grid cells", "cat": "q-bio.NC"}))

    assert 'action="/alerts/new/"' in page
    assert '<input type="hidden" name="cat" value="q-bio.NC">' in page


def test_a_reader_deletes_their_own_alerts_only(alice, alice_client, bob_client, alice_alerts):
    spiking = alice_alerts["Spiking"]

    assert bob_client.post(f"/alerts/{spiking.pk}/delete/").status_code == 404
    assert alice_client.post(f"/alerts/{spiking.pk}/delete/").status_code == 302
    assert not Alert.objects.filter(pk=spiking.pk).exists()


# Private Atom feed per alert


def test_each_alert_has_a_private_atom_feed_of_its_matches(
    alice, alice_client, alice_alerts, django_capture_on_commit_callbacks
):
    imported(django_capture_on_commit_callbacks, record("2611.00001", "Spiking neurons on chips"))
    token = Profile.for_user(alice).feed_token
    spiking = alice_alerts["Spiking"]
    url = f"/feeds/u/{token}/alerts/{spiking.pk}.atom"

    assert url in text(alice_client.get("/alerts/"))
    response = Client().get(url)
    feed = feedparser.parse(response.content)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert feed.feed.title == "Spiking · Papershelf alert"
    assert [entry.title for entry in feed.entries] == ["Spiking neurons on chips"]


def test_an_alert_feed_needs_its_owners_token(alice, bob, alice_alerts):
    spiking = alice_alerts["Spiking"]
    bobs_token = Profile.for_user(bob).feed_token

    assert Client().get(f"/feeds/u/{bobs_token}/alerts/{spiking.pk}.atom").status_code == 404
    assert Client().get(f"/feeds/u/not-a-token/alerts/{spiking.pk}.atom").status_code == 404


# Query counts


@pytest.mark.parametrize("alerts", [1, 20])
def test_the_alerts_page_reads_a_fixed_number_of_rows(
    alice, alice_client, django_assert_num_queries, cache_off_the_database, alerts
):
    Profile.for_user(alice)
    Alert.objects.bulk_create(
        Alert(user=alice, kind="search", name=f"A{n}", query=f"q{n}") for n in range(alerts)
    )

    # session, user, the alerts, the profile (the feed token)
    with django_assert_num_queries(4):
        alice_client.get("/alerts/")


@pytest.mark.parametrize("papers", [2, 30])
def test_the_feed_reads_its_alert_matches_in_one_query(
    alice, alice_client, alice_alerts, django_assert_num_queries, cache_off_the_database, papers
):
    new = PaperFactory.create_batch(papers, title="Spiking neurons")
    AlertMatch.objects.bulk_create(
        AlertMatch(alert=alert, paper=paper) for paper in new for alert in alice_alerts.values()
    )
    alice_client.get("/feed/")

    # session, user, profile, the recommendations (none), the alert matches, why there are no
    # recommendations (the current model, the reader's signals), the reader's lists, saves and upvotes
    # among the cards' papers
    with django_assert_num_queries(10):
        response = alice_client.get("/feed/")

    assert len(response.context["alert_entries"]) == min(papers, 10)


# Digest


def test_the_digest_leads_with_the_alerts_new_matches_naming_them(
    alice, alice_alerts, django_capture_on_commit_callbacks, mailoutbox
):
    from papers.digest.sending import Outcome, send_digest
    from tests.digest.factories import subscribe

    subscribe(alice)
    imported(
        django_capture_on_commit_callbacks,
        record("2611.00001", "Spiking neurons on event cameras", abstract="A neuromorphic chip."),
    )

    assert send_digest(user_id=alice.pk, period_key="day:2026-11-22") is Outcome.SENT

    [message] = mailoutbox
    assert "1. Spiking neurons on event cameras" in message.body
    assert "Why: Matches your alerts “Neuromorphic”, “Spiking”" in message.body
    assert message.body.count("Spiking neurons on event cameras") == 1
    # Mailed once: the next digest has nothing new.
    assert send_digest(user_id=alice.pk, period_key="day:2026-11-23") is Outcome.NOTHING_NEW


@pytest.mark.parametrize("papers", [2, 30])
def test_an_alert_feed_reads_a_fixed_number_of_rows(
    alice, alice_alerts, django_assert_num_queries, cache_off_the_database, papers
):
    spiking = alice_alerts["Spiking"]
    AlertMatch.objects.bulk_create(
        AlertMatch(alert=spiking, paper=paper) for paper in PaperFactory.create_batch(papers)
    )
    url = f"/feeds/u/{Profile.for_user(alice).feed_token}/alerts/{spiking.pk}.atom"

    # the alert by its owner's token, its matches with their papers
    with django_assert_num_queries(2):
        response = Client().get(url)

    assert len(feedparser.parse(response.content).entries) == papers
