from __future__ import annotations

import pytest

from tests.factories import PaperFactory


@pytest.mark.django_db(transaction=True)
def test_the_home_page_lists_papers_in_a_real_browser(page):
    PaperFactory(title="Spiking networks in the wild")
    page.goto("/")
    assert page.get_by_text("Spiking networks in the wild").is_visible()
