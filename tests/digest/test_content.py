"""What a digest holds and how the email is built."""

from __future__ import annotations

import re

import pytest

from papers.digest.selection import digest_recommendations
from papers.digest.sending import Outcome, send_digest
from papers.lists.operations import default_reading_list, reading_list_add
from papers.models import Digest, Dismissal
from recommender.models import FeedImpression, ModelVersion, Recommendation
from tests.digest.factories import recommend, subscribe
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

PERIOD = "day:2024-01-15"


def html_part(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def sent_titles(message) -> list[str]:
    return re.findall(r"^\d+\. (Paper \d+)$", message.body, flags=re.MULTILINE)


def test_the_digest_holds_the_top_of_the_feed_in_rank_order(alice_subscribed, alice_recommended, mailoutbox):
    assert send_digest(user_id=alice_subscribed.user_id, period_key=PERIOD) is Outcome.SENT

    [message] = mailoutbox
    assert message.to == ["alice@example.org"]
    assert sent_titles(message) == ["Paper 1", "Paper 2", "Paper 3", "Paper 4", "Paper 5"]
    assert message.subject == "5 new papers for you · Papershelf daily digest"


def test_it_honours_the_chosen_size(alice, alice_recommended, mailoutbox):
    subscribe(alice, size=7)

    send_digest(user_id=alice.pk, period_key=PERIOD)

    assert len(sent_titles(mailoutbox[0])) == 7


def test_it_leaves_out_papers_seen_in_the_feed_dismissed_or_already_on_a_list(
    alice, alice_subscribed, alice_recommended, papers, mailoutbox
):
    FeedImpression.objects.create(user=alice, paper=papers[0])
    Dismissal.objects.create(user=alice, paper=papers[1])
    reading_list_add(reading_list=default_reading_list(alice), paper=papers[2])

    send_digest(user_id=alice.pk, period_key=PERIOD)

    assert sent_titles(mailoutbox[0]) == ["Paper 4", "Paper 5", "Paper 6", "Paper 7", "Paper 8"]


def test_papers_of_an_earlier_digest_are_not_sent_again(alice_subscribed, alice_recommended, mailoutbox):
    send_digest(user_id=alice_subscribed.user_id, period_key="day:2024-01-15")
    send_digest(user_id=alice_subscribed.user_id, period_key="day:2024-01-16")

    _, second = mailoutbox
    assert sent_titles(second) == ["Paper 6", "Paper 7", "Paper 8"]
    assert second.subject == "3 new papers for you · Papershelf daily digest"


def test_it_reads_only_the_current_model_version(alice, alice_subscribed, papers, version, mailoutbox):
    old = ModelVersion.objects.create(status=ModelVersion.Status.RETIRED)
    recommend(alice, papers[:3], version=old)
    recommend(alice, papers[5:6], version=version)

    send_digest(user_id=alice.pk, period_key=PERIOD)

    assert sent_titles(mailoutbox[0]) == ["Paper 6"]


def test_nothing_new_sends_nothing_and_records_nothing(alice, alice_subscribed, papers, version, mailoutbox):
    recommend(alice, papers[:2], version=version)
    FeedImpression.objects.bulk_create(FeedImpression(user=alice, paper=paper) for paper in papers[:2])

    assert send_digest(user_id=alice.pk, period_key=PERIOD) is Outcome.NOTHING_NEW
    assert mailoutbox == []
    assert not Digest.objects.exists()


def test_no_model_yet_sends_nothing(alice_subscribed, mailoutbox):
    assert send_digest(user_id=alice_subscribed.user_id, period_key=PERIOD) is Outcome.NOTHING_NEW
    assert mailoutbox == []


def test_a_user_who_has_not_opted_in_gets_nothing(alice, alice_recommended, mailoutbox):
    assert send_digest(user_id=alice.pk, period_key=PERIOD) is Outcome.NOT_SUBSCRIBED
    subscribe(alice, enabled=False)
    assert send_digest(user_id=alice.pk, period_key=PERIOD) is Outcome.NOT_SUBSCRIBED
    assert mailoutbox == []


def test_each_paper_has_title_authors_abstract_reason_and_both_links_in_both_parts(
    alice, alice_subscribed, version, mailoutbox
):
    saved = PaperFactory(title="Grid cells & place cells")
    paper = PaperFactory(
        title="Spiking <networks> that learn",
        authors=["Ada Lovelace", "Alan Turing"],
        abstract="We train spiking networks.\n\nThey learn " + "quickly " * 100,
    )
    Recommendation.objects.create(
        user=alice, paper=paper, version=version, rank=1, score=1, reason="similar", reason_paper=saved
    )

    send_digest(user_id=alice.pk, period_key=PERIOD)

    [message] = mailoutbox
    html = html_part(message)
    assert "Spiking <networks> that learn" in message.body
    assert "Spiking &lt;networks&gt; that learn" in html
    for part in (message.body, html):
        assert "Ada Lovelace, Alan Turing" in part
        assert "We train spiking networks." in part
        assert "quickly…" in part and part.count("quickly") < 60  # shortened
        assert f"https://papers.example.org/abs/{paper.arxiv_id}/" in part
        assert "https://papers.example.org/digest/save/" in part
        assert "https://papers.example.org/digest/unsubscribe/" in part
    assert "Close to “Grid cells & place cells”, which you saved" in message.body
    assert "Close to “Grid cells &amp; place cells”, which you saved" in html


def test_every_link_is_absolute_under_site_url(alice_subscribed, alice_recommended, mailoutbox):
    send_digest(user_id=alice_subscribed.user_id, period_key=PERIOD)

    html = html_part(mailoutbox[0])
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert len(hrefs) >= 12
    assert all(href.startswith("https://papers.example.org/") for href in hrefs)
    text_links = re.findall(r"https?://\S+", mailoutbox[0].body)
    assert all(link.startswith("https://papers.example.org/") for link in text_links)


def test_it_carries_one_click_unsubscribe_headers(alice_subscribed, alice_recommended, mailoutbox):
    send_digest(user_id=alice_subscribed.user_id, period_key=PERIOD)

    message = mailoutbox[0].message()
    assert re.fullmatch(
        r"<https://papers\.example\.org/digest/unsubscribe/[^/>]+/>", message["List-Unsubscribe"]
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.is_multipart()
    assert [part.get_content_type() for part in message.get_payload()] == ["text/plain", "text/html"]


def test_the_digest_records_what_it_sent(alice_subscribed, alice_recommended, papers, mailoutbox):
    send_digest(user_id=alice_subscribed.user_id, period_key=PERIOD)

    digest = Digest.objects.get()
    assert (digest.status, digest.period_key, digest.attempts) == (Digest.Status.SENT, PERIOD, 1)
    assert digest.sent_at is not None
    assert [item.paper_id for item in digest.items.all()] == [paper.pk for paper in papers[:5]]


def test_the_selection_is_one_query_with_the_reasons_loaded(
    alice, alice_recommended, django_assert_num_queries
):
    with django_assert_num_queries(1):
        recommendations = digest_recommendations(alice, size=5)
    with django_assert_num_queries(0):
        [rec.reason_text for rec in recommendations]
