from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains

from tests.factories import PaperFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_paper_list_searches_titles_and_arxiv_ids(staff_client):
    PaperFactory(title="Grid cells", arxiv_id="2401.11111")
    PaperFactory(title="Place cells", arxiv_id="2401.22222")

    by_title = staff_client.get("/admin/papers/paper/", {"q": "grid"})
    by_id = staff_client.get("/admin/papers/paper/", {"q": "2401.22222"})

    assertContains(by_title, "Grid cells")
    assert "Place cells" not in by_title.content.decode()
    assertContains(by_id, "Place cells")


def test_the_paper_list_filters_by_source_and_listing_day(staff_client):
    PaperFactory()

    response = staff_client.get("/admin/papers/paper/", {"source__exact": "arxiv_api"})

    assertContains(response, "By source")
    assertContains(response, "By listed on")


def test_the_paper_form_shows_import_times_read_only(staff_client):
    paper = PaperFactory()

    response = staff_client.get(f"/admin/papers/paper/{paper.pk}/change/")

    assertContains(response, "Imported at")
    assert 'name="imported_at"' not in response.content.decode()
