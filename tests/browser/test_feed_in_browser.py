"""The feed in headless Chromium: onboarding, a personal feed with reasons, dismissals and "load more"
swapped in place by htmx, without a page load."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from papers.models import Dismissal
from recommender import artifact_store
from recommender.models import ModelVersion
from tests.factories import PaperFactory, UserFactory
from tests.feed.corpus import DAY, GRAPHS, PROTEINS, ROBOTS, SPIKING, TRANSLATION, save

pytestmark = pytest.mark.django_db(transaction=True)

FILLER_TOPICS = ["galaxy surveys", "quantum error correction", "climate downscaling", "speech synthesis"]


def mark_page(page):
    """Set a variable that only survives while no navigation or reload happens."""
    page.evaluate("window.__samePage = true")


def still_same_page(page) -> bool:
    return page.evaluate("window.__samePage === true")


@pytest.fixture
def trained_catalogue(settings, tmp_path):
    """A catalogue of more than a feed page, readers with saves, and last night's model."""
    from recommender.nightly import train_and_publish

    settings.MEDIA_ROOT = tmp_path / "media"
    artifact_store.forget_loaded_models()
    topics = {}
    for name, texts in [
        ("spiking", SPIKING), ("proteins", PROTEINS), ("graphs", GRAPHS), ("translation", TRANSLATION),
        ("robots", ROBOTS),
    ]:  # fmt: skip
        topics[name] = [
            PaperFactory(title=title, abstract=abstract, authors=[f"{name} author {i}"])
            for i, (title, abstract) in enumerate(texts)
        ]
    for subject in FILLER_TOPICS:
        for i in range(4):
            PaperFactory(
                title=f"Advances in {subject}, part {i + 1}",
                abstract=f"New methods for {subject} evaluated on public data sets, part {i + 1}.",
                authors=[f"{subject} author {i}"],
            )
    reader = UserFactory(username="reader")
    save(reader, *topics["translation"], *topics["graphs"])
    version = train_and_publish(today=DAY)
    yield {"topics": topics, "version": version}
    artifact_store.forget_loaded_models()


def spiking_topic_label(version: ModelVersion, spiking) -> str:
    ids = {paper.pk for paper in spiking}
    return max(version.topics, key=lambda topic: len(ids & set(topic["paper_ids"][:3])))["label"]


def test_a_new_user_onboards_sees_reasons_and_dismisses_a_paper_in_place(page, log_in, trained_catalogue):
    newcomer = UserFactory(username="newcomer")
    spiking = trained_catalogue["topics"]["spiking"]
    log_in("newcomer")

    page.goto("/feed/")
    page.wait_for_url("**/onboarding/")
    page.get_by_label(spiking_topic_label(trained_catalogue["version"], spiking)).check()
    page.get_by_role("button", name="Build my feed").click()

    page.wait_for_url("**/feed/?welcome=1")
    expect(page.get_by_role("heading", name="Your feed is set up")).to_be_visible()
    cards = page.locator("#feed-items > li.feed-card")
    expect(cards).to_have_count(20)
    expect(cards.first.locator(".feed-card__reason")).to_contain_text("Matches your interests")
    assert cards.first.locator(".paper-card__title a").inner_text() in {paper.title for paper in spiking}

    mark_page(page)
    first = cards.first
    title = first.locator(".paper-card__title a").inner_text()
    card_id = first.get_attribute("id")
    first.get_by_role("button", name=f"Not interested in {title}").click()

    notice = page.locator(f"#{card_id}")
    expect(notice).to_have_class(
        re.compile(r"\bfeed-dismissed\b")
    )  # also "is-current" once clicked (keys.js)
    expect(notice.get_by_role("button", name="Undo", exact=False)).to_be_visible()
    expect(page.locator("#feed-items .paper-card__title a", has_text=title)).to_have_count(0)
    expect(cards).to_have_count(20)
    assert still_same_page(page)
    assert Dismissal.objects.filter(user=newcomer, paper__title=title).exists()

    notice.get_by_role("button", name="Undo", exact=False).click()

    expect(page.locator(f"#{card_id}.feed-card .paper-card__title a")).to_have_text(title)
    expect(cards).to_have_count(21)
    assert still_same_page(page)
    assert not Dismissal.objects.filter(user=newcomer).exists()


def test_load_more_after_a_dismissal_repeats_no_card(page, log_in, trained_catalogue):
    newcomer = UserFactory(username="newcomer")
    save(newcomer, trained_catalogue["topics"]["spiking"][0])
    from recommender.rerank import rerank_user

    rerank_user(newcomer.pk)
    log_in("newcomer")
    page.goto("/feed/")
    cards = page.locator("#feed-items > li.feed-card")
    expect(cards).to_have_count(20)
    mark_page(page)

    cards.nth(3).get_by_role("button", name="Not interested", exact=False).click()
    expect(page.locator("#feed-items > li.feed-dismissed")).to_have_count(1)
    with page.expect_request(lambda request: "offset=20" in request.url) as load_more:
        page.get_by_role("link", name="More papers").click()

    # htmx sends the cards on the page, so the next ones follow on whatever the dismissal changed.
    assert "shown=" in load_more.value.url

    expect(page.locator("#feed-more")).to_have_count(0)
    ids = page.locator("#feed-items > li.feed-card").evaluate_all("cards => cards.map(card => card.id)")
    assert len(ids) == len(set(ids))
    # Every recommendation but the saved paper and the dismissed one, each once.
    assert len(ids) == trained_catalogue["version"].n_papers - 2
    assert still_same_page(page)


def test_a_new_readers_feed_shows_the_count_of_the_moment_and_upvotes_in_place(
    page, log_in, trained_catalogue
):
    from papers.lists.votes import paper_upvote
    from recommender.models import Recommendation
    from recommender.rerank import rerank_user

    newcomer = UserFactory(username="newcomer")
    save(newcomer, trained_catalogue["topics"]["spiking"][0])
    rerank_user(newcomer.pk)
    top = Recommendation.objects.filter(user=newcomer).order_by("rank")[0].paper  # on the first page
    paper_upvote(user=UserFactory(), paper=top)  # someone else's vote, after the re-rank
    log_in("newcomer")

    page.goto("/feed/")
    card = page.locator(f"#feed-card-{top.pk}")
    expect(card.locator(".upvote__count")).to_have_text("1")
    mark_page(page)
    card.get_by_role("button", name="Upvote", exact=False).click()

    expect(card.locator("button.upvote__button")).to_have_attribute("aria-pressed", "true")
    expect(card.locator(".upvote__count")).to_have_text("2")
    assert still_same_page(page)
