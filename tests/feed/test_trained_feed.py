"""The feed end to end on a small corpus, with the real nightly training and re-rank.

Transactional tests: every request commits, so the re-rank runs on commit (eagerly) as in development.
Inside one test transaction the outbox would see the first pending re-rank of a user and, rightly, not
enqueue a second one; the re-rank would then never follow the action under test.
"""

from __future__ import annotations

import pytest

from papers.models import Profile
from recommender.feed_query import feed_page
from recommender.models import ModelVersion, Recommendation
from tests.feed.corpus import DAY, HTMX
from tests.feed.html import feed_card_ids

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_third_spiking_paper_comes_first_with_a_reason_naming_a_saved_one(
    alice_client, alice, corpus, trained
):
    response = alice_client.get("/feed/")

    assert response.status_code == 200
    ids = feed_card_ids(response)
    assert ids[0] == corpus.spiking[2].pk
    first = feed_page(alice).entries[0]  # the stored row behind the card
    assert first.recommendation.reason == Recommendation.Reason.SIMILAR
    assert first.reason_paper in corpus.spiking[:2]
    # The reason links the saved paper it names.
    body = response.content.decode()
    assert f'href="{first.reason_paper.get_absolute_url()}">{first.reason_paper.title}</a>' in body
    assert "which you saved" in body


def test_saved_papers_are_not_in_the_feed(alice_client, corpus, trained):
    ids = feed_card_ids(alice_client.get("/feed/"))

    assert corpus.spiking[0].pk not in ids
    assert corpus.spiking[1].pk not in ids


def test_a_save_reranks_the_feed_without_retraining(alice_client, alice, corpus, trained):
    def ranks():
        # The stored ranking behind the page.
        assert alice_client.get("/feed/").status_code == 200
        return {entry.paper.pk: entry.recommendation for entry in feed_page(alice).entries}

    before = ranks()
    versions = ModelVersion.objects.count()

    response = alice_client.post(f"/papers/{corpus.proteins[0].pk}/save/", {"add": "default"}, headers=HTMX)
    assert response.status_code == 200

    after = ranks()
    assert ModelVersion.objects.count() == versions
    assert corpus.proteins[0].pk not in after
    # The other protein papers move up in the stored ranking, explained by the paper just saved.
    for protein in corpus.proteins[1:]:
        assert after[protein.pk].rank < before[protein.pk].rank
        assert after[protein.pk].reason_paper == corpus.proteins[0]
        assert after[protein.pk].version_id == trained.pk


def test_not_interested_removes_a_paper_for_good(alice_client, alice, corpus, trained):
    from recommender.nightly import train_and_publish

    unwanted = corpus.spiking[2]
    response = alice_client.post(f"/feed/papers/{unwanted.pk}/not-interested/", headers=HTMX)
    assert response.status_code == 200
    assert unwanted.pk not in feed_card_ids(response)

    # Gone at once, after the re-rank that the dismissal triggered, and after the next night's training.
    assert unwanted.pk not in feed_card_ids(alice_client.get("/feed/"))
    assert not Recommendation.objects.filter(user=alice, paper=unwanted, version__is_current=True).exists()
    train_and_publish(today=DAY)
    assert unwanted.pk not in feed_card_ids(alice_client.get("/feed/"))
    assert not Recommendation.objects.filter(user=alice, paper=unwanted, version__is_current=True).exists()


def test_onboarding_with_a_topic_makes_the_feed_personal(client, corpus, trained):
    from tests.factories import UserFactory

    newcomer = UserFactory(username="newcomer")
    client.force_login(newcomer)
    assert client.get("/feed/").url == "/onboarding/"
    spiking_ids = {p.pk for p in corpus.spiking}
    topic = max(trained.topics, key=lambda t: len(spiking_ids & set(t["paper_ids"][:3])))

    response = client.post("/onboarding/", {"topics": [topic["label"]]})
    assert response.status_code == 302

    feed = client.get(response.url)
    assert feed.status_code == 200
    entries = feed.context["page"].entries
    assert entries, "the re-rank wrote the newcomer's rows"
    assert entries[0].paper.pk in spiking_ids
    assert entries[0].recommendation.reason_text.startswith("Matches your interests")
    assert "Matches your interests" in feed.content.decode()
    assert Profile.for_user(newcomer).interests == topic["terms"]


def test_the_next_training_keeps_the_feed_readable_for_everyone_active(client, corpus, trained, readers):
    from recommender.nightly import train_and_publish

    version = train_and_publish(today=DAY)

    for reader in readers:
        client.force_login(reader)
        response = client.get("/feed/")
        assert response.status_code == 200
        assert feed_card_ids(response)
        assert all(
            entry.recommendation.version_id == version.pk for entry in response.context["page"].entries
        )
