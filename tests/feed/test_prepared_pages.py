"""Feed pages prepared ahead (papers/feed_pages.py): the reader gets the page a render would have given
them, with the counts of the moment, and never a page that is behind their own actions, the catalogue or
their visit."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from papers import feed_pages
from papers.importers.records import PaperRecord
from papers.importers.upsert import import_records
from papers.lists.operations import default_reading_list, reading_list_add
from papers.lists.votes import paper_dismiss, paper_upvote
from papers.models import Paper, Profile
from recommender import rerank
from recommender.models import FeedImpression, ModelVersion, Recommendation, RerankRequest
from tests.catalogue.html import csrf_tokens, text, upvote_count, upvoted
from tests.factories import PaperFactory, ReadingListFactory, UserFactory
from tests.feed.corpus import HTMX, model_version, recommend
from tests.feed.html import feed_card_ids

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_stored", "feed_pages_on")]

TODAY = timezone.localdate()


@pytest.fixture
def feed_pages_on(settings):
    settings.FEED_PAGES_SECONDS = 3600


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def alices_feed(alice):
    papers = [PaperFactory(listed_on=days_ago(1)), PaperFactory(listed_on=days_ago(4))]
    papers += [PaperFactory(listed_on=days_ago(40)) for _ in range(3)]
    recommend(alice, papers, model_version())
    return papers


def served_prepared(response) -> bool:
    """Whether the page came from the prepared copy: nothing was rendered for the request."""
    assert response.status_code == 200
    return "feed/feed.html" not in [template.name for template in response.templates]


def without_tokens(response) -> str:
    return re.sub(r"[A-Za-z0-9]{64}", "<token>", text(response))


def visited(user, *, hours_ago: float, previous_days_ago: float | None = None) -> None:
    now = timezone.now()
    previous = now - datetime.timedelta(days=previous_days_ago) if previous_days_ago is not None else None
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "feed_visited_at": now - datetime.timedelta(hours=hours_ago),
            "feed_previous_visit_at": previous,
        },
    )


def test_the_prepared_page_is_the_page_a_render_gives(alice, alice_client, alices_feed, settings):
    ReadingListFactory(owner=alice, name="Spiking nets")
    paper_upvote(user=alice, paper=alices_feed[2])
    visited(alice, hours_ago=5 * 24)
    assert feed_pages.prepare(alice)

    prepared = alice_client.get("/feed/")
    settings.FEED_PAGES_SECONDS = 0
    settings.PAGE_CACHE_SECONDS = 0
    rendered = alice_client.get("/feed/")

    assert served_prepared(prepared) and not served_prepared(rendered)
    assert without_tokens(prepared) == without_tokens(rendered)
    assert feed_card_ids(prepared) == [paper.pk for paper in alices_feed]
    assert text(prepared).count('title="Listed since your last visit">New</span>') == 2
    assert upvoted(prepared, alices_feed[2]) and not upvoted(prepared, alices_feed[0])
    assert "Spiking nets" in text(prepared) and ">alice</a>" in text(prepared)


def test_counts_are_those_of_the_moment_it_is_served(alice, alice_client, alices_feed):
    paper_upvote(user=alice, paper=alices_feed[0])
    assert feed_pages.prepare(alice)
    # Other readers' votes after the page was prepared: it is still served, with their votes counted.
    for reader in UserFactory.create_batch(2):
        paper_upvote(user=reader, paper=alices_feed[0])
        paper_upvote(user=reader, paper=alices_feed[3])

    page = alice_client.get("/feed/")

    assert served_prepared(page)
    assert upvote_count(page, alices_feed[0]) == 3 and upvoted(page, alices_feed[0])
    assert upvote_count(page, alices_feed[3]) == 2 and not upvoted(page, alices_feed[3])
    assert upvote_count(page, alices_feed[1]) == 0


@pytest.mark.parametrize("change", ["upvote", "dismiss", "save", "new list"])
def test_the_readers_own_change_is_never_behind(alice, alice_client, alices_feed, change):
    assert feed_pages.prepare(alice)
    paper = alices_feed[1]
    if change == "upvote":
        paper_upvote(user=alice, paper=paper)
    elif change == "dismiss":
        paper_dismiss(user=alice, paper=paper)
    elif change == "save":
        reading_list_add(reading_list=default_reading_list(alice), paper=paper)
    else:
        ReadingListFactory(owner=alice, name="Brand new list")

    page = alice_client.get("/feed/")

    assert not served_prepared(page)
    if change == "upvote":
        assert upvoted(page, paper)
    elif change == "new list":
        assert "Brand new list" in text(page)
    else:  # dismissed and saved papers leave the feed
        assert paper.pk not in feed_card_ids(page) and len(feed_card_ids(page)) == 4


def test_a_re_rank_prepares_the_page_again(alice_client, alice, trained, corpus):
    assert served_prepared(alice_client.get("/feed/"))  # the nightly run prepared it (alice logged in)
    paper = corpus.spiking[2]
    paper_upvote(user=alice, paper=paper)
    assert not served_prepared(alice_client.get("/feed/"))  # stale: rendered

    rerank.rerank_user(alice.pk)  # what the upvote queued
    page = alice_client.get("/feed/")

    assert served_prepared(page)
    assert paper.pk not in feed_card_ids(page) or upvoted(page, paper)


@pytest.mark.parametrize("which", ["card", "reason"])
def test_an_edited_paper_is_never_behind(alice, alice_client, which):
    papers = PaperFactory.create_batch(2, listed_on=days_ago(1))
    named = PaperFactory(title="The paper you saved")
    version = model_version()
    recommend(alice, papers, version)
    Recommendation.objects.filter(user=alice, paper=papers[0]).update(
        reason=Recommendation.Reason.SIMILAR, reason_paper=named
    )
    assert feed_pages.prepare(alice)
    edited = papers[1] if which == "card" else named
    edited.title = "A corrected title"
    edited.save()

    page = alice_client.get("/feed/")

    assert not served_prepared(page) and "A corrected title" in text(page)


def test_a_newer_model_is_never_behind(alice, alice_client, alices_feed):
    assert feed_pages.prepare(alice)
    newer = model_version()  # the nightly switch: a new current model, whose rows rank other papers
    recommend(alice, alices_feed[3:], newer)

    page = alice_client.get("/feed/")

    assert not served_prepared(page)
    assert feed_card_ids(page) == [paper.pk for paper in alices_feed[3:]]
    shown = set(FeedImpression.objects.filter(user=alice).values_list("paper_id", flat=True))
    assert shown == {paper.pk for paper in alices_feed[3:]}, "only what the page showed"


def test_an_import_of_other_papers_leaves_the_page_prepared(alice, alice_client, alices_feed):
    assert feed_pages.prepare(alice)
    record = PaperRecord(
        title="A paper of the new day", source=Paper.Source.ARXIV_API, arxiv_id="2401.99999", listed_on=TODAY
    )
    assert import_records([record], origin="test").created == 1  # a new day's papers: the catalogue changed

    page = alice_client.get("/feed/")

    assert served_prepared(page) and feed_card_ids(page) == [paper.pk for paper in alices_feed]


def test_a_visit_that_counts_new_papers_from_another_day_is_rendered_for_it(alice, alice_client, alices_feed):
    visited(alice, hours_ago=5 * 24)
    assert feed_pages.prepare(alice)  # for a visit that calls everything of the last five days new
    # Meanwhile the reader opened the feed elsewhere half an hour ago, coming from a visit two days ago
    # (recorded as a visit is: an UPDATE, which renews no token).
    now = timezone.now()
    Profile.objects.filter(user=alice).update(
        feed_visited_at=now - datetime.timedelta(minutes=30),
        feed_previous_visit_at=now - datetime.timedelta(days=2),
    )

    page = alice_client.get("/feed/")

    assert not served_prepared(page)
    assert text(page).count('title="Listed since your last visit">New</span>') == 1


def test_the_visit_and_what_was_shown_are_recorded(alice, alice_client, alices_feed):
    visited(alice, hours_ago=5 * 24)
    assert feed_pages.prepare(alice)
    before = timezone.now()

    assert served_prepared(alice_client.get("/feed/"))

    profile = Profile.objects.get(user=alice)
    assert profile.feed_visited_at >= before
    shown = set(FeedImpression.objects.filter(user=alice).values_list("paper_id", flat=True))
    assert shown == {paper.pk for paper in alices_feed}


def test_no_reader_is_served_anothers_page(alice, alices_feed, bob, bob_client):
    bobs_paper = PaperFactory()
    recommend(bob, [bobs_paper], ModelVersion.objects.current())
    assert feed_pages.prepare(alice)

    page = bob_client.get("/feed/")

    assert feed_card_ids(page) == [bobs_paper.pk]
    assert ">bob</a>" in text(page) and ">alice</a>" not in text(page)


def test_a_new_account_that_gets_a_deleted_accounts_id_never_sees_its_page(alice, alices_feed):
    assert feed_pages.prepare(alice)
    pk = alice.pk
    alice.delete()
    newcomer = UserFactory(pk=pk, username="newcomer")  # as SQLite may give the newest id out again
    client = Client()
    client.force_login(newcomer)

    page = client.get("/feed/")

    assert page.status_code == 302 and page["Location"] == "/onboarding/"  # nothing to show yet


def test_the_prepared_pages_forms_work_with_the_readers_csrf_token(alice, alices_feed):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get("/feed/")  # the reader's CSRF cookie, as any earlier page gives it
    assert feed_pages.prepare(alice)

    page = client.get("/feed/")
    tokens = csrf_tokens(page)
    paper = alices_feed[0]
    response = client.post(
        f"/papers/{paper.pk}/upvote/", {"action": "upvote", "csrfmiddlewaretoken": tokens.pop()}
    )

    assert served_prepared(page) and len(csrf_tokens(page)) == 1
    assert response.status_code == 302
    assert upvoted(client.get("/feed/"), paper)


@pytest.mark.parametrize(
    ("query", "headers", "shows"),
    [
        ("?welcome=1", {}, "Your feed is set up"),
        ("?offset=2", {}, 'id="feed-card-'),
        ("", HTMX | {"HX-Target": "feed-body"}, 'id="feed-body"'),
    ],
)
def test_anything_but_the_plain_page_is_rendered(alice, alice_client, alices_feed, query, headers, shows):
    assert feed_pages.prepare(alice)

    page = alice_client.get(f"/feed/{query}", headers=headers)

    assert page.status_code == 200 and shows in text(page)
    assert page.templates, "rendered for the request"


def test_the_nightly_run_prepares_pages_for_readers_active_lately(alice_client, alice, bob, trained):
    # `trained` ran the nightly training after alice logged in; bob has never logged in.
    page = alice_client.get("/feed/")

    assert served_prepared(page) and len(feed_card_ids(page)) > 0
    assert cache.get(feed_pages._key(alice)) is not None
    assert cache.get(feed_pages._key(bob)) is None


def test_readers_active_lately_are_those_who_logged_in_or_opened_their_feed(alice, bob):
    regular, gone = UserFactory.create_batch(2)
    month_and_more = timezone.now() - datetime.timedelta(days=31)
    type(alice).objects.filter(pk=alice.pk).update(last_login=timezone.now())
    type(alice).objects.filter(pk=gone.pk).update(last_login=month_and_more)
    visited(regular, hours_ago=24 * 10)
    visited(bob, hours_ago=24 * 31)

    assert feed_pages.active_readers() == sorted([alice.pk, regular.pk])


def test_the_command_prepares_the_named_readers(alice, alices_feed, bob):
    out = io.StringIO()
    call_command("prepare_feed_pages", "--user", "alice", "--user", "bob", stdout=out)

    assert "prepared 1 feed pages for 2 readers" in out.getvalue()  # bob's feed is empty: no page
    assert cache.get(feed_pages._key(alice)) is not None


def test_the_command_refuses_an_unknown_reader_and_a_cache_without_pages(alice, settings):
    with pytest.raises(CommandError, match="no such user: nobody"):
        call_command("prepare_feed_pages", "--user", "alice", "--user", "nobody")
    settings.FEED_PAGES_SECONDS = 0
    with pytest.raises(CommandError, match="prepared feed pages are off"):
        call_command("prepare_feed_pages")


class _UnreachableCache:
    def __getattr__(self, name):
        def unreachable(*args, **kwargs):
            raise ConnectionError("the cache is unreachable")

        return unreachable


def test_a_re_rank_that_could_not_keep_the_page_runs_again(alice_client, alice, trained, corpus, monkeypatch):
    # The upvote's token renewal and the re-rank's page both missed the cache: the page prepared last
    # night is still there and still matches the (unrenewed) tokens. The re-rank stays in the outbox.
    paper_upvote(user=alice, paper=corpus.spiking[2])
    assert RerankRequest.objects.filter(user=alice).exists()
    with monkeypatch.context() as broken:
        broken.setattr(feed_pages, "cache", _UnreachableCache())
        rerank.rerank_user(alice.pk)
    assert RerankRequest.objects.filter(user=alice).exists()

    rerank.rerank_user(alice.pk)  # the drain's next run, the cache back

    assert not RerankRequest.objects.filter(user=alice).exists()
    page = alice_client.get("/feed/")
    assert served_prepared(page)
    assert corpus.spiking[2].pk not in feed_card_ids(page) or upvoted(page, corpus.spiking[2])
