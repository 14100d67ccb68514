"""Private feeds at URLs with the owner's feed token: the personalized feed and each of their lists."""

from __future__ import annotations

import pytest
from django.test import Client

from papers.lists.operations import reading_list_add
from papers.models import Dismissal, Profile, ReadingList, ReadingListItem
from recommender.models import ModelVersion, Recommendation
from tests.catalogue.syndication.conftest import parse_feed
from tests.digest.factories import current_model_version, recommend
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(alice) -> str:
    return Profile.for_user(alice).feed_token


@pytest.fixture
def papers(db):
    return [PaperFactory(title=f"Paper {n}") for n in range(1, 6)]


@pytest.fixture
def alice_list(alice, papers) -> ReadingList:
    reading_list = ReadingList.objects.create(owner=alice, name="Thesis")
    item = reading_list_add(reading_list=reading_list, paper=papers[0])
    ReadingListItem.objects.filter(pk=item.pk).update(status="reading", note="Compare with chapter 3")
    return reading_list


def test_the_personal_feed_lists_recommendations_in_rank_order_with_their_reasons(
    client, alice, token, papers
):
    version = current_model_version()
    recommend(alice, papers, version=version)

    response = client.get(f"/feeds/u/{token}/feed.atom")

    feed = parse_feed(response)
    assert feed.feed.title == "Papershelf: picked for you"
    assert feed.feed.link == "http://testserver/feed/"
    assert [entry.title for entry in feed.entries] == [f"Paper {n}" for n in range(1, 6)]
    assert "Why: Matches your interests: spiking networks, plasticity" in feed.entries[0].summary
    assert feed.entries[0].link == f"http://testserver/abs/{papers[0].arxiv_id}/"
    assert feed.entries[0].updated_parsed[:4] == (2024, 1, 11, 3)  # when the model was trained
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"]


def test_the_personal_feed_leaves_out_dismissed_and_saved_papers_and_old_models(client, alice, token, papers):
    old = ModelVersion.objects.create(status=ModelVersion.Status.RETIRED)
    recommend(alice, [PaperFactory(title="From an old model")], version=old)
    recommend(alice, papers, version=current_model_version())
    Dismissal.objects.create(user=alice, paper=papers[1])
    reading_list_add(reading_list=ReadingList.objects.create(owner=alice, name="Later"), paper=papers[2])

    feed = parse_feed(client.get(f"/feeds/u/{token}/feed.atom"))

    assert [entry.title for entry in feed.entries] == ["Paper 1", "Paper 4", "Paper 5"]


def test_the_personal_feed_is_a_fixed_number_of_queries(
    client, alice, token, papers, django_assert_num_queries
):
    recommend(alice, papers, version=current_model_version())

    with django_assert_num_queries(2):  # the profile, then the recommendations with their papers
        client.get(f"/feeds/u/{token}/feed.atom")


def test_before_any_model_the_personal_feed_is_empty_but_valid(client, token):
    assert parse_feed(client.get(f"/feeds/u/{token}/feed.atom")).entries == []


def test_a_private_list_feed_has_its_papers_with_status_and_note(client, token, alice_list):
    response = client.get(f"/feeds/u/{token}/lists/{alice_list.pk}.atom")

    feed = parse_feed(response)
    assert feed.feed.title == "Thesis · Papershelf"
    assert [entry.title for entry in feed.entries] == ["Paper 1"]
    assert "Status: Reading" in feed.entries[0].summary
    assert "Note: Compare with chapter 3" in feed.entries[0].summary
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/feeds/u/{token}x/feed.atom", "/feeds/u/{token}x/lists/{pk}.atom"])
def test_a_wrong_token_is_a_404(client, token, alice_list, url):
    assert client.get(url.format(token=token, pk=alice_list.pk)).status_code == 404


def test_another_users_list_with_my_token_is_a_404(client, bob, alice_list):
    bobs_token = Profile.for_user(bob).feed_token

    assert client.get(f"/feeds/u/{bobs_token}/lists/{alice_list.pk}.atom").status_code == 404


def test_regenerating_the_token_invalidates_the_old_private_feed_urls(alice, token, alice_list):
    client = Client()
    client.force_login(alice)

    client.post("/account/feed-token/")

    new_token = Profile.for_user(alice).feed_token
    assert new_token != token
    feed_reader = Client()
    assert feed_reader.get(f"/feeds/u/{token}/feed.atom").status_code == 404
    assert feed_reader.get(f"/feeds/u/{token}/lists/{alice_list.pk}.atom").status_code == 404
    assert feed_reader.get(f"/feeds/u/{new_token}/feed.atom").status_code == 200
    assert feed_reader.get(f"/feeds/u/{new_token}/lists/{alice_list.pk}.atom").status_code == 200


def test_the_personal_feed_reads_reasons_that_name_a_saved_paper(client, alice, token, papers):
    version = current_model_version()
    Recommendation.objects.create(
        user=alice,
        paper=papers[0],
        version=version,
        rank=1,
        score=1,
        reason="similar",
        reason_paper=papers[4],
    )

    entry = parse_feed(client.get(f"/feeds/u/{token}/feed.atom")).entries[0]

    assert "Close to “Paper 5”, which you saved" in entry.summary
