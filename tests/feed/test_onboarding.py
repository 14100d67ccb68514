"""/onboarding/: topics from the current model, papers brought in, upvotes from a diverse sample."""

from __future__ import annotations

import datetime

import pytest
import responses
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from papers.catalogue import sources
from papers.models import Profile, ReadingList, Upvote
from recommender.models import RerankRequest
from recommender.onboarding import diverse_sample, onboarding_topics
from tests.factories import PaperFactory
from tests.feed.corpus import model_version

pytestmark = pytest.mark.django_db

ARXIV_URL = "https://export.arxiv.org/api/query"


@pytest.fixture(autouse=True)
def http(settings):
    # A request without a registered response fails: nothing can reach the real arXiv.
    settings.ARXIV_API_URL = ARXIV_URL
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock_http:
        yield mock_http


@pytest.fixture
def topics():
    """Two topics, as the nightly training stores them, each with its typical papers."""
    spiking = [PaperFactory(title=f"Spiking networks {i}", source_upvotes=i) for i in range(3)]
    proteins = [PaperFactory(title=f"Protein folding {i}", source_upvotes=10 + i) for i in range(3)]
    model_version(
        topics=[
            {
                "label": "spiking, neuromorphic, snn",
                "terms": ["spiking", "neuromorphic", "snn", "neurons"],
                "paper_ids": [p.pk for p in spiking],
            },
            {
                "label": "protein, folding, structure",
                "terms": ["protein", "folding", "structure"],
                "paper_ids": [p.pk for p in proteins],
            },
        ]
    )
    return {"spiking": spiking, "proteins": proteins}


def test_the_page_offers_the_current_models_topics_with_example_papers(alice_client, topics):
    response = alice_client.get("/onboarding/")

    assert response.status_code == 200
    assertContains(response, 'name="topics" value="spiking, neuromorphic, snn"')
    assertContains(response, 'name="topics" value="protein, folding, structure"')
    assertContains(response, "Spiking networks 0")
    assertContains(response, 'enctype="multipart/form-data"')
    assertNotContains(response, "warming up")


def test_topics_are_named_as_their_papers_write_them(alice_client):
    papers = [
        PaperFactory(title="Gaussian Splatting for dynamic scenes", abstract="Fast 3DGS rendering."),
        PaperFactory(title="Compact Gaussian Splatting", abstract="Our MLLMs render scenes."),
    ]
    model_version(
        topics=[
            {
                "label": "splatting, gaussian, mllms",
                "terms": ["splatting", "gaussian", "mllms", "rendering"],
                "paper_ids": [p.pk for p in papers],
            }
        ]
    )

    response = alice_client.get("/onboarding/")

    assertContains(
        response, '<strong class="topic-choice__label">Gaussian splatting, MLLMs and rendering</strong>'
    )
    # The form still sends the stored label, so a choice survives a renamed display.
    assertContains(response, 'name="topics" value="splatting, gaussian, mllms"')


def test_a_topic_of_ones_own_becomes_interests(alice_client, alice, topics):
    response = alice_client.post(
        "/onboarding/", {"own_topic": "  Graph Neural Networks, protein   design,, graph neural networks "}
    )

    assertRedirects(response, "/feed/?welcome=1", fetch_redirect_response=False)
    assert Profile.for_user(alice).interests == ["graph neural networks", "protein design"]
    assert RerankRequest.objects.filter(user=alice).exists()


def test_a_topic_of_ones_own_adds_to_the_picked_ones(alice_client, alice, topics):
    alice_client.post(
        "/onboarding/", {"topics": ["protein, folding, structure"], "own_topic": "cryo-em, folding"}
    )

    assert Profile.for_user(alice).interests == ["protein", "folding", "structure", "cryo-em"]


def test_an_overlong_own_topic_is_refused_and_kept_in_the_form(alice_client, alice, topics):
    response = alice_client.post("/onboarding/", {"own_topic": "x" * 201})

    assert response.status_code == 200
    assertContains(response, "Keep your own topic under 200 characters.")
    assertContains(response, f'value="{"x" * 201}"')
    assert Profile.for_user(alice).interests == []


def test_without_a_model_the_page_says_the_recommender_is_warming_up(alice_client):
    PaperFactory(title="A trending paper", listed_on=datetime.date(2024, 1, 10))

    response = alice_client.get("/onboarding/")

    assertContains(response, "The recommender is warming up")
    assertNotContains(response, 'name="topics"')
    assertContains(response, 'name="ids"')
    assertContains(response, "A trending paper")


def test_anonymous_visitors_are_asked_to_log_in(client):
    assertRedirects(
        client.get("/onboarding/"), "/accounts/login/?next=/onboarding/", fetch_redirect_response=False
    )


def test_picking_a_topic_stores_its_terms_and_asks_for_a_re_rank(alice_client, alice, topics):
    response = alice_client.post("/onboarding/", {"topics": ["spiking, neuromorphic, snn"]})

    assertRedirects(response, "/feed/?welcome=1", fetch_redirect_response=False)
    profile = Profile.for_user(alice)
    assert profile.interests == ["spiking", "neuromorphic", "snn", "neurons"]
    assert profile.onboarded_at is not None
    # The outbox row is written in the same transaction; the re-rank task follows on commit.
    assert RerankRequest.objects.filter(user=alice).exists()


def test_two_topics_are_merged_and_onboarding_again_keeps_the_first(alice_client, alice, topics):
    alice_client.post("/onboarding/", {"topics": ["protein, folding, structure"]})
    alice_client.post(
        "/onboarding/", {"topics": ["spiking, neuromorphic, snn", "protein, folding, structure"]}
    )

    assert Profile.for_user(alice).interests == [
        "protein", "folding", "structure", "spiking", "neuromorphic", "snn", "neurons",
    ]  # fmt: skip


def test_pasted_arxiv_ids_go_to_read_later(alice_client, alice, topics):
    known = PaperFactory(arxiv_id="1706.03762", title="Attention Is All You Need")

    response = alice_client.post("/onboarding/", {"ids": "https://arxiv.org/abs/1706.03762v7"})

    assert response.status_code == 302
    read_later = ReadingList.objects.get(owner=alice, is_default=True)
    assert list(read_later.items.values_list("paper_id", flat=True)) == [known.pk]
    assert Profile.for_user(alice).onboarded_at is not None
    assert RerankRequest.objects.filter(user=alice).exists()


def test_an_uploaded_bib_file_goes_to_read_later(alice_client, alice):
    known = PaperFactory(arxiv_id="1512.03385", title="Deep Residual Learning for Image Recognition")
    bib = b"@inproceedings{he2016, title = {Deep Residual Learning for Image Recognition}, year = {2016}}"

    response = alice_client.post("/onboarding/", {"file": SimpleUploadedFile("mine.bib", bib)})

    assert response.status_code == 302
    read_later = ReadingList.objects.get(owner=alice, is_default=True)
    assert list(read_later.items.values_list("paper_id", flat=True)) == [known.pk]


def test_upvoting_papers_from_the_sample_records_the_upvotes(alice_client, alice, topics):
    chosen = [topics["spiking"][2], topics["proteins"][2]]

    response = alice_client.post("/onboarding/", {"upvote": [p.pk for p in chosen]})

    assert response.status_code == 302
    assert set(Upvote.objects.filter(user=alice).values_list("paper_id", flat=True)) == {p.pk for p in chosen}
    assert Profile.for_user(alice).interests == []


def test_choosing_nothing_is_refused_with_a_message(alice_client, alice, topics):
    response = alice_client.post("/onboarding/", {})

    assertContains(response, "Pick at least one topic")
    assert Profile.for_user(alice).onboarded_at is None
    assert not RerankRequest.objects.exists()


def test_a_topic_from_an_older_model_is_refused_with_a_message(alice_client, alice, topics):
    response = alice_client.post("/onboarding/", {"topics": ["transformers, attention"]})

    assertContains(response, "The topics changed since this page was loaded")
    assert Profile.for_user(alice).onboarded_at is None


@pytest.mark.parametrize("value", ["1; DROP TABLE", "¹", "-3", str(2**64)])
def test_malformed_upvote_ids_are_refused(alice_client, alice, topics, value):
    response = alice_client.post("/onboarding/", {"upvote": [value]})

    assertContains(response, "Choose papers from the sample.")
    assert not Upvote.objects.exists()


def test_unknown_paper_ids_are_ignored(alice_client, alice, topics):
    response = alice_client.post(
        "/onboarding/", {"topics": ["spiking, neuromorphic, snn"], "upvote": [999999]}
    )

    assert response.status_code == 302
    assert not Upvote.objects.exists()


def test_a_refused_import_writes_nothing_at_all(alice_client, alice, topics):
    picked = topics["spiking"][0]

    response = alice_client.post(
        "/onboarding/",
        {
            "topics": ["spiking, neuromorphic, snn"],
            "file": SimpleUploadedFile("refs.bib", b"@article{broken, title = {no end"),
            "upvote": [picked.pk],
        },
    )

    assertContains(response, "could not be read")
    # The form keeps what was chosen.
    assertContains(response, 'value="spiking, neuromorphic, snn" checked')
    assertContains(response, f'value="{picked.pk}" checked')
    assert Profile.for_user(alice).onboarded_at is None
    assert Profile.for_user(alice).interests == []
    assert not Upvote.objects.exists()
    assert not ReadingList.objects.filter(owner=alice).exists()
    assert not RerankRequest.objects.exists()


def test_with_arxiv_unreachable_onboarding_completes_and_says_which_ids_were_not_added(
    alice_client, alice, topics, http
):
    http.get(ARXIV_URL, status=503)
    known = PaperFactory(arxiv_id="2401.00001")

    response = alice_client.post(
        "/onboarding/",
        {"topics": ["spiking, neuromorphic, snn"], "ids": "2401.00001 2401.05334"},
        follow=True,
    )

    assertContains(response, "Added 1 paper to Read later.")
    assertContains(response, "Not added: 2401.05334: arXiv could not be reached")
    assert Profile.for_user(alice).onboarded_at is not None
    assert list(ReadingList.objects.get(owner=alice).items.values_list("paper_id", flat=True)) == [known.pk]


def test_a_file_that_is_not_bibtex_or_ris_is_refused(alice_client, alice, topics):
    response = alice_client.post(
        "/onboarding/", {"file": SimpleUploadedFile("notes.bib", b"just some notes")}
    )

    assertContains(response, "neither BibTeX")
    assert Profile.for_user(alice).onboarded_at is None


def test_the_onboarding_form_has_a_csrf_token(alice_client, topics):
    assertContains(alice_client.get("/onboarding/"), "csrfmiddlewaretoken")


def test_onboarding_topics_are_empty_without_a_model():
    assert onboarding_topics() == []


def test_the_sample_takes_the_most_upvoted_paper_of_each_topic_first(topics):
    sample = diverse_sample(4)

    assert sample == [
        topics["spiking"][2],
        topics["proteins"][2],
        topics["spiking"][1],
        topics["proteins"][1],
    ]


def test_without_topics_the_sample_is_a_trending_spread_over_categories():
    day = datetime.date(2024, 1, 10)
    learning = [PaperFactory(categories=["cs.LG"], source_upvotes=100 - i, listed_on=day) for i in range(5)]
    language = PaperFactory(categories=["cs.CL"], source_upvotes=1, listed_on=day)

    sample = diverse_sample(2)

    assert sample == [learning[0], language]


def test_sources_are_not_contacted_for_ids_in_the_catalogue(alice_client, alice, http, monkeypatch):
    monkeypatch.setattr(sources, "ARXIV_REQUEST_INTERVAL_SECONDS", 0)
    PaperFactory(arxiv_id="2401.00001")

    alice_client.post("/onboarding/", {"ids": "2401.00001"})

    assert len(http.calls) == 0
