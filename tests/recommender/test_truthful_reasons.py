"""Every reason on the demo catalogue is true: the words it names are in both papers, the verb is what
the reader did.

The demo catalogue is what `make run` imports (the seed pages and the 753 Hugging Face entries), through
the real importer. Readers act as a new user would: save, upvote, mark read, paste an arXiv id on the
onboarding page, pick topics; other readers save papers so co-save reasons appear. Then the real nightly
training writes everyone's recommendations, and one reader is re-ranked the way an action re-ranks them.
"""

from __future__ import annotations

import datetime
import re

import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from papers.importers import import_file
from papers.lists.imports import import_into_list
from papers.lists.operations import default_reading_list, reading_list_add, reading_list_item_set_status
from papers.lists.votes import paper_upvote
from papers.models import Paper, Profile, ReadingListItem, Upvote
from recommender.models import ModelVersion, Recommendation
from recommender.nightly import train_and_publish
from recommender.reason_text import reason_text
from recommender.rerank import rerank_user
from tests.factories import UserFactory
from tests.importers.paths import HF_JSON_753, SEEDS

TODAY = datetime.date(2026, 11, 22)
VERBS = {
    "saved": "which you saved",
    "upvoted": "which you upvoted",
    "read": "which you marked read",
    "pasted": "the paper you pasted",
    "imported": "which you imported",
}


def papers_about(words: str, n: int) -> list[Paper]:
    found = list(Paper.objects.filter(title__icontains=words).order_by("pk")[:n])
    assert len(found) == n, f"the demo catalogue has {len(found)} papers about {words!r}"
    return found


def text_of(paper: Paper) -> str:
    return " ".join(f"{paper.title} {paper.abstract}".split())


def occurs(word: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


def expected_action(user_id: int, paper_id: int) -> str:
    """What the reader did with the paper, read from the database independently of the recommender."""
    items = ReadingListItem.objects.filter(reading_list__owner_id=user_id, paper_id=paper_id)
    if items.filter(status=ReadingListItem.Status.READ).exists():
        return "read"
    for via in ("pasted", "imported", "saved"):
        if items.filter(added_via=via).exists():
            return via
    return "upvoted" if Upvote.objects.filter(user_id=user_id, paper_id=paper_id).exists() else ""


def kept_by_another_reader(user_id: int, *paper_ids: int) -> bool:
    """Some other reader saved (or upvoted) every one of the papers."""
    for other in {
        *Upvote.objects.values_list("user_id", flat=True),
        *ReadingListItem.objects.values_list("reading_list__owner_id", flat=True),
    } - {user_id}:
        if all(expected_action(other, paper_id) for paper_id in paper_ids):
            return True
    return False


@pytest.fixture
def demo(db):
    for path in [*SEEDS, HF_JSON_753]:
        import_file(path, today=TODAY)
    reader = UserFactory(username="reader")
    reading_list = default_reading_list(reader)
    for paper in papers_about("diffusion", 3):
        reading_list_add(reading_list=reading_list, paper=paper)
    for paper in papers_about("agent", 2):
        paper_upvote(user=reader, paper=paper)
    read = papers_about("reasoning", 1)[0]
    reading_list_item_set_status(
        item=reading_list_add(reading_list=reading_list, paper=read), status=ReadingListItem.Status.READ
    )
    pasted = Paper.objects.filter(title__icontains="video", arxiv_id__isnull=False).order_by("pk").first()
    assert pasted is not None
    import_into_list(reading_list=reading_list, text=f"arXiv:{pasted.arxiv_id}")
    # Readers who share papers with the reader, so some reasons are co-saves.
    shared = papers_about("diffusion", 3) + papers_about("agent", 2)
    others = papers_about("language model", 12)
    for n in range(4):
        other = UserFactory(username=f"other{n}")
        other_list = default_reading_list(other)
        for paper in [shared[n], *others[n * 3 : n * 3 + 4]]:
            reading_list_add(reading_list=other_list, paper=paper)
    version = train_and_publish(today=TODAY)
    # A newcomer who only picked topics, from the trained model.
    newcomer = UserFactory(username="newcomer")
    Profile.objects.update_or_create(user=newcomer, defaults={"interests": list(version.topics[0]["terms"])})
    version = train_and_publish(today=TODAY)
    return {"reader": reader, "newcomer": newcomer, "pasted": pasted, "version": version}


def check_every_reason(version: ModelVersion) -> dict[str, int]:
    """Assert every stored reason of `version` is true; returns how many of each kind were checked."""
    checked: dict[str, int] = {}
    rows = Recommendation.objects.filter(version=version).select_related("paper", "reason_paper", "user")
    for rec in rows:
        checked[rec.reason] = checked.get(rec.reason, 0) + 1
        text = rec.reason_text
        for word in rec.reason_terms:
            assert not any(char.isdigit() for char in word), (word, text)
            assert word.casefold() not in ENGLISH_STOP_WORDS, (word, text)
            assert occurs(word, text_of(rec.paper)), f"{word!r} is not in {rec.paper.title!r}: {text}"
        if rec.reason in ("similar", "meaning"):
            assert rec.reason_paper is not None
            action = expected_action(rec.user_id, rec.reason_paper_id)
            assert action, f"{rec.user} never acted on {rec.reason_paper.title!r}: {text}"
            assert rec.reason_action == action, text
            assert VERBS[action] in text
            for word in rec.reason_terms:
                assert occurs(word, text_of(rec.reason_paper)), f"{word!r} not in {rec.reason_paper.title!r}"
        elif rec.reason == "terms" and rec.reason_action == "topics":
            interests = " ".join(Profile.for_user(rec.user).interests)
            assert interests and text.startswith("From your topics"), text
            for word in rec.reason_terms:
                assert occurs(word, interests), (word, interests)
        elif rec.reason == "terms":
            # Content that no single paper of the reader's explains: no paper or word is named.
            assert text == "Close to papers like yours" and not rec.reason_terms, text
        elif rec.reason == "collaborative":
            assert rec.reason_paper is not None
            assert text == f"Readers who saved “{rec.reason_paper.title}” also saved this"
            assert expected_action(rec.user_id, rec.reason_paper_id), text
            assert kept_by_another_reader(rec.user_id, rec.reason_paper_id, rec.paper_id), text
        # No phrase claims an action the reader did not take.
        for action, phrase in VERBS.items():
            if phrase in text:
                assert rec.reason_action == action, text
    return checked


@pytest.mark.django_db
def test_every_reason_of_the_nightly_run_is_true(demo):
    checked = check_every_reason(demo["version"])

    # The demo readers see every kind of reason that names a paper or a topic.
    assert checked.get("similar", 0) > 0
    assert checked.get("terms", 0) > 0
    assert checked.get("collaborative", 0) > 0
    actions = set(
        Recommendation.objects.filter(version=demo["version"], user=demo["reader"], reason="similar")
        .values_list("reason_action", flat=True)
        .distinct()
    )
    assert {"saved", "upvoted", "read", "pasted"} <= actions, actions
    # The first cards name shared words.
    assert Recommendation.objects.filter(version=demo["version"], reason="similar").exclude(reason_terms=[])


@pytest.mark.django_db
def test_every_reason_of_a_rerank_is_true(demo):
    reader = demo["reader"]
    paper_upvote(user=reader, paper=papers_about("image", 1)[0])

    rerank_user(reader.pk)

    assert check_every_reason(demo["version"])


def test_a_reason_names_the_verb_only_with_the_action():
    assert (
        reason_text("similar", "X", ["graphs"], action="pasted")
        == "Close to “X”, the paper you pasted — shares graphs"
    )
    assert reason_text("similar", "X", action="upvoted") == "Close to “X”, which you upvoted"
    assert reason_text("similar", "X") == "Close to “X”"
    assert reason_text("meaning", "X", action="read") == "Close in meaning to “X”, which you marked read"
