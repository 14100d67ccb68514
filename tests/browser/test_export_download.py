"""Exports and imports in headless Chromium: real links, a real download, a real upload."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses

from papers.models import ReadingList, ReadingListItem
from tests.factories import PaperFactory, UserFactory


@pytest.fixture
def alices_list(transactional_db) -> ReadingList:
    alice = UserFactory(username="alice")
    reading_list = ReadingList.objects.create(owner=alice, name="Thesis reading")
    paper = PaperFactory(arxiv_id="2401.01234", title="Learning to Rank Papers", categories=["cs.LG"])
    # Created directly: set-up data, not the action under test.
    ReadingListItem.objects.create(reading_list=reading_list, paper=paper)
    return reading_list


@pytest.mark.django_db(transaction=True)
def test_the_owner_downloads_a_list_as_bibtex_from_the_list_page(page, log_in, alices_list):
    log_in("alice")
    page.goto(f"/lists/{alices_list.pk}/")

    with page.expect_download() as download_info:
        page.click("#export a[data-format=bib]")

    download = download_info.value
    assert download.suggested_filename == "thesis-reading.bib"
    content = Path(download.path()).read_text()
    assert content.startswith("@misc{lovelace2024learning,")
    assert "eprint = {2401.01234}" in content
    assert "archivePrefix = {arXiv}" in content
    assert "primaryClass = {cs.LG}" in content


@pytest.mark.django_db(transaction=True)
def test_the_account_page_downloads_my_data_and_each_lists_export(page, log_in, alices_list):
    log_in("alice")
    page.click("text=Account")
    page.wait_for_url("**/account/")

    with page.expect_download() as download_info:
        page.click("text=Download my data (JSON)")
    data = json.loads(Path(download_info.value.path()).read_text())
    assert data["reading_lists"][0]["items"][0]["paper"]["arxiv_id"] == "2401.01234"

    with page.expect_download() as download_info:
        page.click(f"a[href='/lists/{alices_list.pk}/export.ris']")
    assert "M1  - arXiv:2401.01234" in Path(download_info.value.path()).read_text()


@pytest.mark.django_db(transaction=True)
def test_a_bib_file_uploaded_through_the_import_form_is_added(page, log_in, alices_list, tmp_path):
    PaperFactory(arxiv_id="1706.03762", title="Attention Is All You Need")
    bib = tmp_path / "library.bib"
    bib.write_text(
        "@misc{vaswani2017, title={Attention Is All You Need}, eprint={1706.03762}, archivePrefix={arXiv}}\n"
        "@book{knuth1984, title={The {\\TeX}book}}\n"
    )
    log_in("alice")
    page.goto(f"/lists/{alices_list.pk}/import/")

    # The live server runs in this process: the mock makes sure no request leaves the machine.
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        page.set_input_files("input[name=file]", str(bib))
        page.click("form button[type=submit]")
        page.locator("#import-result").get_by_text("Added 2 papers").wait_for()

    result = page.locator("#import-result")
    assert "Attention Is All You Need" in result.inner_text()
    # Not in the catalogue: made from the file's own details rather than dropped.
    assert "The TeXbook" in result.inner_text()
    assert "added from the file\u2019s own details" in result.inner_text()
    assert alices_list.items.count() == 3
