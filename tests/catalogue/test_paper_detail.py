from __future__ import annotations

import datetime

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from papers.models import Paper
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db


def test_the_paper_page_lives_at_its_arxiv_id(client):
    paper = PaperFactory(
        arxiv_id="2401.04088",
        title="Mixtral of experts",
        authors=["Albert Q. Jiang", "Alexandre Sablayrolles"],
        organization="Mistral AI",
        abstract="We introduce Mixtral 8x7B, a sparse mixture of experts.",
        categories=["cs.LG", "cs.CL"],
        published_on=datetime.date(2024, 1, 8),
        listed_on=datetime.date(2024, 1, 9),
        source_upvotes=42,
        upvote_count=3,
        source=Paper.Source.HF_API,
        imported_from="https://huggingface.co/api/daily_papers?date=2024-01-09",
    )

    response = client.get("/abs/2401.04088/")

    assert response.status_code == 200
    assert paper.get_absolute_url() == "/abs/2401.04088/"
    for expected in [
        "Mixtral of experts",
        '<a href="/authors/albert-q-jiang/">Albert Q. Jiang</a>, '
        '<a href="/authors/alexandre-sablayrolles/">Alexandre Sablayrolles</a>',
        "Mistral AI",
        "a sparse mixture of experts",
        "8 January 2024",
        "9 January 2024",
        "42 from the source, 3 on Papershelf",
        "cs.CL",
        'href="https://arxiv.org/pdf/2401.04088"',
        'href="https://arxiv.org/abs/2401.04088"',
        "Hugging Face Daily Papers",
        'href="/day/2024-01-09/"',
    ]:
        assertContains(response, expected)


def test_a_paper_without_an_arxiv_id_lives_at_its_number(client):
    paper = PaperFactory(arxiv_id=None, authors=[], author_count=12, title="A captured paper")

    response = client.get(f"/papers/{paper.pk}/")

    assert response.status_code == 200
    assert paper.get_absolute_url() == f"/papers/{paper.pk}/"
    assertContains(response, "12 authors")
    assertNotContains(response, "arxiv.org")


def test_the_number_of_a_paper_with_an_arxiv_id_redirects_to_it(client):
    paper = PaperFactory(arxiv_id="2401.00001")

    assertRedirects(client.get(f"/papers/{paper.pk}/"), "/abs/2401.00001/")


def test_an_old_style_arxiv_id_works(client):
    PaperFactory(arxiv_id="q-bio/0601001", title="An old neuroscience paper")

    assertContains(client.get("/abs/q-bio/0601001/"), "An old neuroscience paper")


def test_a_versioned_arxiv_id_redirects_to_the_paper(client):
    PaperFactory(arxiv_id="2401.04088")

    response = client.get("/abs/2401.04088v2/")

    assertRedirects(response, "/abs/2401.04088/", status_code=301)


@pytest.mark.parametrize(
    "url",
    [
        "/abs/2401.99999/",
        "/abs/2401.99999v2/",
        "/papers/999999/",
        "/papers/99999999999999999999999/",
        "/abs/%3Cscript%3E/",
    ],
)
def test_an_unknown_paper_is_a_404(client, url):
    PaperFactory(arxiv_id="2401.00001")

    response = client.get(url)

    assert response.status_code == 404
    assertContains(response, "We could not find that page", status_code=404)


def test_the_page_escapes_what_the_sources_wrote(client):
    PaperFactory(
        arxiv_id="2401.00002",
        title="<script>alert(1)</script>",
        abstract="<img src=x onerror=alert(1)>",
        url="javascript:alert(1)",
        imported_from="javascript:alert(2)",
    )

    response = client.get("/abs/2401.00002/")
    body = response.content.decode()

    assert "<script>alert(1)" not in body
    assert "<img src=x" not in body
    assert 'href="javascript:' not in body


def test_the_page_has_a_place_for_actions_and_similar_papers(client):
    PaperFactory(arxiv_id="2401.00003")

    response = client.get("/abs/2401.00003/")

    assertContains(response, 'class="paper__actions"')
    # The paper's own controls (papers/_paper_actions.html): its upvote button and save control.
    paper = response.context["paper"]
    assertContains(response, f'id="upvote-button-{paper.pk}"', count=1)
    assertContains(response, f'id="save-control-{paper.pk}"', count=1)
    template_names = [template.name for template in response.templates]
    assert "papers/_similar_papers.html" in template_names


def test_the_abstract_joins_hard_wrapped_lines_and_keeps_paragraphs(client):
    PaperFactory(arxiv_id="2401.00004", abstract="First line\nwrapped here.\n\nSecond paragraph.")

    response = client.get("/abs/2401.00004/")

    assertContains(response, "<p>First line wrapped here.</p><p>Second paragraph.</p>")


def test_upvote_and_save_come_before_the_abstract(client, django_user_model):
    """On a phone the abstract fills several screens: the actions must not wait below it."""
    paper = PaperFactory(abstract="A long abstract. " * 80)
    client.force_login(django_user_model.objects.create_user("reader"))

    page = client.get(paper.get_absolute_url()).content.decode()

    assert page.index(f'id="upvote-button-{paper.pk}"') < page.index('id="abstract-heading"')
    assert page.index(f'id="save-control-{paper.pk}"') < page.index('id="abstract-heading"')
    assert "{#" not in page and "{% comment" not in page
