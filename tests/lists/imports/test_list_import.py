"""/lists/<id>/import/: pasted ids and uploaded files, matched to the catalogue, arXiv behind a mock."""

from __future__ import annotations

import datetime

import pytest
import requests
import responses
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.asserts import assertContains, assertRedirects

from papers.catalogue import sources
from papers.lists.imports import MAX_ENTRIES, MAX_PASTE_CHARS, MAX_UPLOAD_BYTES
from papers.lists.operations import reading_list_add
from papers.models import Paper, ReadingList, ReadingListItem
from tests.factories import PaperFactory
from tests.importers.paths import FIXTURES

pytestmark = pytest.mark.django_db

ARXIV_URL = "https://export.arxiv.org/api/query"
BY_ID = (FIXTURES / "arxiv_api_by_id.atom").read_text()  # 2312.17653 and 2401.05334
EMPTY = (FIXTURES / "arxiv_api_empty.atom").read_text()


@pytest.fixture(autouse=True)
def _arxiv(settings, monkeypatch):
    settings.ARXIV_API_URL = ARXIV_URL
    # The adapter pauses between its two requests as arXiv asks; tests need not wait.
    monkeypatch.setattr(sources, "ARXIV_REQUEST_INTERVAL_SECONDS", 0)


@pytest.fixture(autouse=True)
def http():
    # Every test runs behind it: a request without a registered response fails, so nothing can reach
    # the real API.
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock_http:
        yield mock_http


@pytest.fixture
def catalogue(db) -> dict[str, Paper]:
    return {
        "attention": PaperFactory(arxiv_id="1706.03762", title="Attention Is All You Need"),
        "deep": PaperFactory(arxiv_id=None, doi="10.1038/nature14539", title="Deep learning"),
        "resnet": PaperFactory(arxiv_id="1512.03385", title="Deep Residual Learning for Image Recognition"),
        "adam": PaperFactory(arxiv_id="1412.6980", title="Adam: A Method for Stochastic Optimization"),
        "etude": PaperFactory(arxiv_id=None, title="Étude des réseaux de neurones & de leurs limites"),
    }


@pytest.fixture
def shelf(alice) -> ReadingList:
    return ReadingList.objects.create(owner=alice, name="Imports")


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


def import_url(reading_list: ReadingList) -> str:
    return f"/lists/{reading_list.pk}/import/"


def listed(reading_list: ReadingList) -> list[str]:
    """The list's papers' titles in list order."""
    return [item.paper.title for item in reading_list.items.select_related("paper").order_by("position")]


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_the_page_shows_the_form(as_alice, shelf):
    response = as_alice.get(import_url(shelf))

    assertContains(response, 'name="ids"')
    assertContains(response, 'type="file" name="file"')
    assertContains(response, 'enctype="multipart/form-data"')


def test_pasted_ids_and_urls_of_catalogue_papers_are_added_in_order(as_alice, shelf, catalogue, http):
    pasted = "https://arxiv.org/abs/1512.03385v1\narXiv:1706.03762, http://arxiv.org/pdf/1412.6980v9.pdf"

    response = as_alice.post(import_url(shelf), {"ids": pasted})

    assertContains(response, "Added 3 papers")
    assert listed(shelf) == [
        "Deep Residual Learning for Image Recognition",
        "Attention Is All You Need",
        "Adam: A Method for Stochastic Optimization",
    ]
    assert not http.calls


def test_duplicates_in_the_paste_are_added_once(as_alice, shelf, catalogue):
    response = as_alice.post(import_url(shelf), {"ids": "1706.03762 1706.03762v2 arXiv:1706.03762"})

    assertContains(response, "Added 1 paper")
    assert shelf.items.count() == 1


def test_papers_already_on_the_list_are_reported_not_added_again(as_alice, shelf, catalogue):
    reading_list_add(reading_list=shelf, paper=catalogue["attention"])

    response = as_alice.post(import_url(shelf), {"ids": "1706.03762 1412.6980"})

    assertContains(response, "Added 1 paper; 1 was already on the list")
    assert shelf.items.count() == 2


def test_an_unknown_arxiv_id_is_looked_up_on_arxiv_imported_and_added(as_alice, shelf, http):
    http.get(ARXIV_URL, body=BY_ID)

    response = as_alice.post(import_url(shelf), {"ids": "2401.05334v1\n2312.17653"})

    assertContains(response, "Added 2 papers")
    assertContains(response, "2 of them were new to Papershelf and fetched from arXiv")
    assert listed(shelf) == [
        "URHand: Universal Relightable Hands",
        "LARP: Language-Agent Role Play for Open-World Games",
    ]
    larp = Paper.objects.get(arxiv_id="2312.17653")
    assert larp.authors[0] == "Ming Yan"
    assert larp.source == Paper.Source.ARXIV_API
    assert len(http.calls) == 1
    assert "id_list=2401.05334%2C2312.17653" in (http.calls[0].request.url or "")


def test_an_id_arxiv_does_not_know_is_listed_back(as_alice, shelf, http):
    http.get(ARXIV_URL, body=EMPTY)

    response = as_alice.post(import_url(shelf), {"ids": "2401.99999"})

    assertContains(response, "Added 0 papers; 1 could not be matched")
    assertContains(response, "unknown arXiv id 2401.99999")
    assert not shelf.items.exists()
    assert not Paper.objects.exists()


def test_known_ids_are_added_when_others_in_the_same_paste_are_unknown(as_alice, shelf, catalogue, http):
    # The first request asks for both and lacks 2401.99999; the adapter asks again without it.
    http.get(ARXIV_URL, body=BY_ID)

    response = as_alice.post(import_url(shelf), {"ids": "1706.03762 2401.99999 2401.05334 nonsense"})

    assertContains(response, "Added 2 papers; 2 could not be matched")
    assertContains(response, "unknown arXiv id 2401.99999")
    assertContains(response, "not an arXiv id, arXiv URL or DOI")
    assert listed(shelf) == ["Attention Is All You Need", "URHand: Universal Relightable Hands"]
    assert len(http.calls) == 2


@pytest.mark.parametrize("failure", [requests.ConnectionError("no route"), requests.Timeout("slow")])
def test_when_arxiv_is_unreachable_the_rest_is_added_and_each_id_reported(
    as_alice, shelf, catalogue, http, failure
):
    http.get(ARXIV_URL, body=failure)

    response = as_alice.post(import_url(shelf), {"ids": "1706.03762 2401.05334 2312.17653"})

    assertContains(response, "Added 1 paper; 2 could not be matched")
    assertContains(response, "<strong>2401.05334</strong> (line 1): arXiv could not be reached to look it up")
    assertContains(response, "<strong>2312.17653</strong> (line 1): arXiv could not be reached to look it up")
    assertContains(response, "try again")
    assert listed(shelf) == ["Attention Is All You Need"]
    assert Paper.objects.count() == len(catalogue)


def test_an_arxiv_server_error_adds_the_catalogue_papers_and_reports_the_rest(
    as_alice, shelf, catalogue, http
):
    http.get(ARXIV_URL, status=503)

    response = as_alice.post(import_url(shelf), {"ids": "2401.05334 1412.6980"})

    assertContains(response, "arXiv could not be reached")
    assert listed(shelf) == ["Adam: A Method for Stochastic Optimization"]


def test_past_the_lookup_limit_the_first_papers_are_looked_up_and_the_rest_reported(as_alice, shelf, http):
    http.get(ARXIV_URL, body=EMPTY)
    pasted = " ".join(f"2402.{n:05d}" for n in range(101))

    response = as_alice.post(import_url(shelf), {"ids": pasted})

    # One request for the first hundred (arXiv knows none of them here); the last is not asked about.
    assert len(http.calls) == 1
    assert "2402.00100" not in (http.calls[0].request.url or "")
    assertContains(response, "<strong>2402.00100</strong> (line 1): not looked up: at most 100 papers")
    assertContains(response, "unknown arXiv id 2402.00099")
    assert not shelf.items.exists()


def test_a_pasted_id_of_a_catalogue_paper_is_found_without_asking_arxiv(as_alice, shelf, http):
    # A paper that came from a page capture and was identified since (papers/catalogue/identify.py).
    paper = PaperFactory(arxiv_id="2401.05334", title="URHand: Universal Relightable Hands", source="hf_page")

    response = as_alice.post(import_url(shelf), {"ids": "https://arxiv.org/abs/2401.05334v2"})

    assertContains(response, "Added 1 paper")
    assert listed(shelf) == [paper.title]
    assert not http.calls


def test_a_bib_file_is_matched_by_eprint_doi_journal_field_and_title(as_alice, shelf, catalogue, http):
    bib = (FIXTURES / "reading_list_import.bib").read_bytes()

    response = as_alice.post(import_url(shelf), {"file": upload("library.bib", bib)})

    assertContains(response, "Added 6 papers.")
    assertContains(response, "1 of them was new to Papershelf and added from the file\u2019s own details")
    assert listed(shelf) == [
        "Attention Is All You Need",
        "Deep learning",
        "Deep Residual Learning for Image Recognition",
        "Adam: A Method for Stochastic Optimization",
        "Étude des réseaux de neurones & de leurs limites",
        "The TeXbook",
    ]
    assert not http.calls
    # The entry the catalogue lacked became a paper from its own metadata.
    texbook = Paper.objects.get(title="The TeXbook")
    assert (texbook.authors, texbook.source) == (["Donald E. Knuth"], Paper.Source.USER)
    assert (texbook.published_on, texbook.published_precision) == (datetime.date(1984, 1, 1), "year")
    assert texbook.listed_on is None


def test_a_ris_file_is_matched(as_alice, shelf, catalogue):
    ris = (FIXTURES / "reading_list_import.ris").read_bytes()

    response = as_alice.post(import_url(shelf), {"file": upload("zotero.ris", ris)})

    assertContains(response, "Added 4 papers.")
    assert listed(shelf) == [
        "Attention Is All You Need",
        "Deep learning",
        "Deep Residual Learning for Image Recognition",
        "The TeXbook",
    ]
    assert Paper.objects.get(title="The TeXbook").authors == ["Donald E. Knuth"]


def test_our_own_bibtex_export_imports_back_into_another_list(as_alice, alice, shelf, catalogue):
    for paper in catalogue.values():
        reading_list_add(reading_list=shelf, paper=paper)
    exported = as_alice.get(f"/lists/{shelf.pk}/export.bib").content
    other = ReadingList.objects.create(owner=alice, name="Copy")

    response = as_alice.post(import_url(other), {"file": upload("copy.bib", exported)})

    assertContains(response, "Added 5 papers")
    assert listed(other) == listed(shelf)


def test_bibtex_pasted_into_the_text_box_is_read_as_bibtex(as_alice, shelf, catalogue):
    response = as_alice.post(
        import_url(shelf), {"ids": "@misc{x, eprint={1706.03762}, archivePrefix={arXiv}}"}
    )

    assertContains(response, "Added 1 paper")


def refused(response, message: str, reading_list: ReadingList) -> None:
    assertContains(response, message)
    assertContains(response, 'class="message message--error"')
    assert not reading_list.items.exists()
    assert not ReadingListItem.objects.exists()


def test_a_malformed_bib_file_adds_nothing(as_alice, shelf, catalogue):
    bib = b"@misc{good, eprint={1706.03762}}\n@article{bad, title = {Unbalanced {braces}, year = 2020}\n"

    response = as_alice.post(import_url(shelf), {"file": upload("broken.bib", bib)})

    refused(response, "malformed entry at line 2: unbalanced braces", shelf)


def test_binary_garbage_adds_nothing(as_alice, shelf, catalogue):
    garbage = bytes(range(256)) * 40

    response = as_alice.post(import_url(shelf), {"file": upload("library.bib", garbage)})

    refused(response, "This is not a text file", shelf)


def test_a_png_renamed_bib_adds_nothing(as_alice, shelf):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"

    response = as_alice.post(import_url(shelf), {"file": upload("photo.bib", png)})

    refused(response, "This is not a text file", shelf)


def test_a_text_file_that_is_neither_bibtex_nor_ris_adds_nothing(as_alice, shelf):
    response = as_alice.post(
        import_url(shelf), {"file": upload("notes.txt", b"Papers to read:\n1706.03762\n")}
    )

    refused(response, "neither BibTeX", shelf)


def test_a_file_of_another_type_is_refused(as_alice, shelf):
    response = as_alice.post(import_url(shelf), {"file": upload("paper.pdf", b"%PDF-1.7\n")})

    refused(response, "is not a BibTeX (.bib) or RIS (.ris) file", shelf)


def test_an_empty_file_adds_nothing(as_alice, shelf):
    response = as_alice.post(import_url(shelf), {"file": upload("empty.bib", b"")})

    refused(response, "is empty", shelf)


def test_a_file_just_over_five_megabytes_is_refused(as_alice, shelf, catalogue):
    entry = b"@misc{k, eprint={1706.03762}, archivePrefix={arXiv}}\n"
    content = entry + b"%" * (MAX_UPLOAD_BYTES + 1 - len(entry))

    response = as_alice.post(import_url(shelf), {"file": upload("huge.bib", content)})

    refused(response, "files of at most 5 MB can be imported", shelf)


def test_a_file_of_exactly_five_megabytes_is_read(as_alice, shelf, catalogue):
    entry = b"@misc{k, eprint={1706.03762}, archivePrefix={arXiv}}\n"
    content = entry + b" " * (MAX_UPLOAD_BYTES - len(entry))

    response = as_alice.post(import_url(shelf), {"file": upload("big.bib", content)})

    assertContains(response, "Added 1 paper")


def test_more_than_a_thousand_entries_are_refused(as_alice, shelf, catalogue):
    bib = "".join(f"@misc{{k{n}, eprint={{1706.03762}}}}\n" for n in range(MAX_ENTRIES + 1)).encode()

    response = as_alice.post(import_url(shelf), {"file": upload("many.bib", bib)})

    refused(response, "This has 1,001 entries; at most 1,000", shelf)


def test_more_than_a_thousand_pasted_ids_are_refused(as_alice, shelf, catalogue):
    response = as_alice.post(import_url(shelf), {"ids": "1706.03762 " * (MAX_ENTRIES + 1)})

    refused(response, "This has 1,001 entries", shelf)


def test_over_long_pasted_text_is_refused_and_given_back_trimmed(as_alice, shelf, catalogue):
    response = as_alice.post(import_url(shelf), {"ids": "1706.03762 " + "x" * MAX_PASTE_CHARS})

    refused(response, "at most 100,000 can be imported at once", shelf)


def test_an_empty_form_asks_for_ids_or_a_file(as_alice, shelf):
    response = as_alice.post(import_url(shelf), {"ids": "  "})

    refused(response, "Paste arXiv ids or URLs, or choose a .bib or .ris file.", shelf)


def test_pasted_ids_and_a_file_at_once_are_refused(as_alice, shelf, catalogue):
    bib = b"@misc{k, eprint={1412.6980}}"

    response = as_alice.post(import_url(shelf), {"ids": "1706.03762", "file": upload("x.bib", bib)})

    refused(response, "not both at once", shelf)


def test_another_users_list_is_a_404(client, bob, shelf, catalogue):
    client.force_login(bob)

    assert client.get(import_url(shelf)).status_code == 404
    assert client.post(import_url(shelf), {"ids": "1706.03762"}).status_code == 404
    assert not shelf.items.exists()


def test_logged_out_visitors_are_sent_to_log_in(client, shelf):
    response = client.get(import_url(shelf))

    assertRedirects(response, f"/accounts/login/?next={import_url(shelf)}", fetch_redirect_response=False)


def test_a_post_without_the_csrf_token_is_refused(alice, shelf, catalogue):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(import_url(shelf), {"ids": "1706.03762"})

    assert response.status_code == 403
    assert not shelf.items.exists()


def test_an_htmx_post_gets_just_the_result_fragment(as_alice, shelf, catalogue):
    response = as_alice.post(
        import_url(shelf), {"ids": "1706.03762"}, headers={"HX-Request": "true", "HX-Target": "import-result"}
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<section id="import-result"')
    assert "<html" not in body
    assert "Added 1 paper" in body
    assert "HX-Request" in response["Vary"]


NEW_BIB = """
@article{dupont2021spikes,
  title = {Spikes, {Synapses} and {Fran{\\c{c}}ois}' Rule},
  author = {Dupont, Fran{\\c{c}}ois and {Google and DeepMind} and van der Berg, Jan},
  journal = {Neural Computation},
  year = {2021},
  month = mar,
  doi = {10.1162/neco_a_01234},
  abstract = {We study spikes with $\\alpha$ waves.}
}
@online{lee2023dendrites,
  title = {Dendrites Compute},
  author = {Lee, Ann},
  date = {2023-06-12},
  eprint = {2306.01234},
  eprinttype = {arxiv}
}
"""


def test_bib_entries_new_to_the_catalogue_become_papers_from_their_own_metadata(as_alice, shelf, http):
    http.get(ARXIV_URL, body=requests.ConnectionError("offline"))

    response = as_alice.post(import_url(shelf), {"file": upload("new.bib", NEW_BIB.encode())})

    assertContains(response, "Added 2 papers.")
    assertContains(response, "2 of them were new to Papershelf and added from the file\u2019s own details")
    spikes = Paper.objects.get(doi="10.1162/neco_a_01234")
    assert spikes.title == "Spikes, Synapses and François' Rule"
    assert spikes.authors == ["François Dupont", "Google and DeepMind", "Jan van der Berg"]
    assert (spikes.published_on, spikes.published_precision) == (datetime.date(2021, 3, 1), "month")
    assert spikes.abstract == "We study spikes with $\\alpha$ waves."
    assert (spikes.arxiv_id, spikes.source, spikes.listed_on) == (None, Paper.Source.USER, None)
    # arXiv could not be asked: the file's eprint is kept, with the file's own details.
    dendrites = Paper.objects.get(arxiv_id="2306.01234")
    assert (dendrites.title, dendrites.published_on) == ("Dendrites Compute", datetime.date(2023, 6, 12))
    assert listed(shelf) == ["Spikes, Synapses and François' Rule", "Dendrites Compute"]


def test_a_bib_entry_whose_eprint_arxiv_does_not_know_is_added_without_it(as_alice, shelf, http):
    http.get(ARXIV_URL, body=EMPTY)

    as_alice.post(import_url(shelf), {"file": upload("new.bib", NEW_BIB.encode())})

    assert Paper.objects.get(title="Dendrites Compute").arxiv_id is None


def test_a_bib_entry_arxiv_knows_is_taken_from_arxiv(as_alice, shelf, http):
    bib = (
        "@misc{u, title = {Hands}, author = {Someone, Else}, eprint = {2401.05334}, archivePrefix = {arXiv}}"
    )
    http.get(ARXIV_URL, body=BY_ID)

    response = as_alice.post(import_url(shelf), {"file": upload("u.bib", bib.encode())})

    assertContains(response, "1 of them was new to Papershelf and fetched from arXiv")
    assert listed(shelf) == ["URHand: Universal Relightable Hands"]


def test_a_bib_entry_with_unusable_details_is_reported_and_the_rest_added(as_alice, shelf, catalogue):
    bib = (
        "@misc{future, title = {From the future}, year = {2099}}\n"
        "@misc{attention, title = {Attention Is All You Need}}\n"
    )

    response = as_alice.post(import_url(shelf), {"file": upload("f.bib", bib.encode())})

    assertContains(response, "Added 1 paper; 1 could not be matched")
    assertContains(response, "its details are unusable: published date 2099-01-01 is in the future")
    assert not Paper.objects.filter(title="From the future").exists()
