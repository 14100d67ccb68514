"""Paper cards: each viewer sees only their own state, and the page's CSRF token and return address."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils.text import Truncator
from hypothesis import given
from hypothesis import strategies as st

from papers.lists.votes import paper_upvote
from papers.models import Upvote
from papers.templatetags.paper_tags import clipped
from tests.factories import PaperFactory, ReadingListFactory, ReadingListItemFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 1, 10)
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def upvote_form(body: str, paper) -> str:
    return re.search(rf'<form id="upvote-button-{paper.pk}"[^>]*>', body).group(0)  # type: ignore[union-attr]


def test_cards_show_each_viewer_their_own_upvotes_and_lists(alice_client, alice, bob_client, bob):
    paper = PaperFactory(listed_on=DAY)
    Upvote.objects.create(user=alice, paper=paper)
    ReadingListItemFactory(reading_list=ReadingListFactory(owner=alice, name="Alice reading"), paper=paper)
    ReadingListFactory(owner=bob, name="Bob reading")

    alices = alice_client.get("/").content.decode()
    bobs = bob_client.get("/").content.decode()

    assert "upvote--on" in upvote_form(alices, paper)
    assert "upvote--on" not in upvote_form(bobs, paper)
    assert "In 1 list" in alices and "Alice reading" in alices
    assert "In 1 list" not in bobs and "Alice reading" not in bobs
    assert "Bob reading" in bobs and "Bob reading" not in alices


def test_a_card_cached_by_a_viewer_without_state_shows_the_next_viewer_their_upvote_and_save(
    alice_client, alice, bob_client
):
    # The card's entry is made for bob, who has neither; alice's states are added to it when she looks.
    paper = PaperFactory(listed_on=DAY)
    Upvote.objects.create(user=alice, paper=paper)
    ReadingListItemFactory(reading_list=ReadingListFactory(owner=alice, is_default=True), paper=paper)
    bob_client.get("/")

    alices = alice_client.get("/").content.decode()
    bobs = bob_client.get("/").content.decode()

    assert "upvote--on" in upvote_form(alices, paper)
    assert f'id="save-quick-{paper.pk}" type="submit" name="remove"' in alices
    assert "upvote--on" not in upvote_form(bobs, paper)
    assert f'id="save-quick-{paper.pk}" type="submit" name="add"' in bobs


def test_a_card_carries_the_requests_csrf_token_and_return_address(alice_client):
    PaperFactory.create_batch(3, listed_on=DAY)

    body = alice_client.get("/?sort=newest").content.decode()

    tokens = CSRF_TOKEN.findall(body)
    assert len(tokens) > 3 * 3
    assert "standin" not in body and "<!--" not in body
    assert 'name="next" value="/?sort=newest"' in body


def test_a_vote_shows_on_the_card_at_once(client, bob):
    paper = PaperFactory(listed_on=DAY, source_upvotes=4)
    client.get("/")

    paper_upvote(user=bob, paper=paper)

    assert '<span class="upvote__count">5</span>' in client.get("/").content.decode()


def test_an_edited_paper_shows_its_new_title(client):
    paper = PaperFactory(listed_on=DAY, title="Before")
    client.get("/")

    paper.title = "After"
    paper.save()

    body = client.get("/").content.decode()
    assert "After" in body and "Before" not in body


@pytest.mark.parametrize("reason", ["similar", "popular"])
def test_the_feed_cards_reason_links_the_related_paper_by_its_escaped_title(alice, reason):
    from papers.templatetags.paper_tags import feed_reason
    from recommender.feed_query import FeedEntry
    from tests.feed.corpus import model_version
    from tests.feed.corpus import recommend as store_recommendations

    saved = PaperFactory(title="Grid cells & <place> cells")
    [row] = store_recommendations(
        alice,
        [PaperFactory()],
        model_version(),
        reason=reason,
        reason_paper=saved if reason == "similar" else None,
    )

    html = str(feed_reason(FeedEntry(recommendation=row, is_new=False)))

    assert html.startswith('<p class="feed-card__reason">') and "<place>" not in html
    link = f'<a href="{saved.get_absolute_url()}">Grid cells &amp; &lt;place&gt; cells</a>'
    assert (link in html) == (reason == "similar")
    assert ("<a " in html) == (reason == "similar")


@pytest.mark.parametrize(
    ("title_headline", "abstract_headline", "abstract", "title", "excerpt"),
    [
        (
            "Grid \ue000cells\ue001 & <place> cells",
            "Place \ue000cells\ue001 fire <here>",
            "Full abstract",
            "Grid <mark>cells</mark> &amp; &lt;place&gt; cells",
            'abstract--excerpt">Place <mark>cells</mark> fire &lt;here&gt;</p>',
        ),
        # Clipped to 600 characters, the ellipsis included.
        (
            "",
            "",
            "An abstract " * 80,
            "Grid cells &amp; &lt;place&gt; cells",
            f"{'An abstract ' * 50}"[:599] + "…</p>",
        ),
        ("Only a \ue000title\ue001 match", "", "", "Only a <mark>title</mark> match", None),
    ],
)
def test_a_search_card_marks_the_matches_and_escapes_the_rest(
    alice_client, title_headline, abstract_headline, abstract, title, excerpt
):
    from papers.templatetags.paper_tags import card_abstract, card_title

    paper = PaperFactory(title="Grid cells & <place> cells", abstract=abstract)
    paper.title_headline, paper.abstract_headline = title_headline, abstract_headline

    assert str(card_title(paper)) == title
    if excerpt is None:
        assert str(card_abstract(paper)) == ""
    else:
        assert str(card_abstract(paper)).endswith(excerpt)


# Letters, combining accents and the ellipsis itself, so cuts land next to each of them.
CLIPPABLE = st.text(alphabet=st.sampled_from(["a", " ", "é", "e", "\u0301", "\u0327", "…", "\n", "ß"]))


@given(text=CLIPPABLE, length=st.integers(min_value=0, max_value=40))
def test_a_card_clips_its_abstract_exactly_as_truncatechars_does(text, length):
    assert clipped(text, length) == Truncator(text).chars(length)
