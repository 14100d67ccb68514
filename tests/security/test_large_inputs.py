"""Very large inputs: a 50 MB upload, a 10,000-character search, a list of 10,000 papers.

Each is answered correctly with bounded work: refused with a clear message, cut with a note, or paged.
Times are measured and printed at the end of the run (never asserted: machines differ).
"""

from __future__ import annotations

import re
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
import responses
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.asserts import assertContains

from papers.catalogue.search import MAX_QUERY_LENGTH
from papers.lists import imports as list_imports
from papers.lists.exports import FORMATS
from papers.lists.imports.parse import TITLE_SOURCE_MAX_CHARS
from papers.lists.operations import reading_list_share
from papers.lists.views.list_page import ITEMS_PER_PAGE
from papers.models import Paper, ReadingList, ReadingListItem, normalize_title
from papers.uploads import OversizedUpload, SizeCappedUploadHandler
from tests.security.conftest import TIMINGS

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
BIG_LIST_SIZE = 10_000
BOUNDARY = "papershelf-test-boundary"


def timed(what: str, action: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    try:
        return action()
    finally:
        TIMINGS[what] = time.perf_counter() - started


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def shelf(alice) -> ReadingList:
    return ReadingList.objects.create(owner=alice, name="Imports")


class MultipartUpload:
    """A form post with one file of `size` bytes of BibTeX, read piece by piece as from a socket: the
    test itself never holds the body, so what the server holds can be measured."""

    ENTRY = b"@misc{key, title={A paper}, eprint={2401.00001}}\n"

    def __init__(self, *, filename: str, size: int) -> None:
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="ids"\r\n\r\n\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/x-bibtex\r\n\r\n"
        ).encode()
        self.size = size
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.pattern = self.ENTRY * 1000
        self.length = len(self.head) + size + len(self.tail)
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        size = self.length - self.position if size < 0 else size
        out = bytearray()
        while size > 0 and self.position < self.length:
            offset = self.position - len(self.head)
            if offset < 0:
                piece = self.head[self.position : self.position + size]
            elif offset < self.size:
                start = offset % len(self.pattern)
                piece = self.pattern[start : start + min(size, self.size - offset)]
            else:
                piece = self.tail[offset - self.size : offset - self.size + size]
            out += piece
            self.position += len(piece)
            size -= len(piece)
        return bytes(out)

    def readline(self, size: int = -1) -> bytes:
        start = self.position
        chunk = self.read(64 * 1024 if size < 0 else size)
        end = chunk.find(b"\n")
        if end >= 0:
            chunk = chunk[: end + 1]
            self.position = start + len(chunk)
        return chunk

    def post(self, client: Client, url: str):
        return client.generic(
            "POST",
            url,
            **{
                "wsgi.input": self,
                "CONTENT_LENGTH": str(self.length),
                "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            },
        )


def test_a_50_mb_upload_is_refused_with_its_size_without_holding_it_in_memory(as_alice, shelf):
    upload = MultipartUpload(filename="everything.bib", size=50 * MB)

    tracemalloc.start()
    try:
        response = timed(
            "50 MB upload to the list import", lambda: upload.post(as_alice, f"/lists/{shelf.pk}/import/")
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert upload.position == upload.length  # the whole body was read, and answered
    assertContains(
        response, "“everything.bib” is 50.0 MB; files of at most 5 MB can be imported. Nothing was added."
    )
    assert not shelf.items.exists()
    # Read through in chunks: at most the first 5 MB is kept (in a temporary file), nothing near 50 MB.
    assert peak < 10 * MB, f"{peak / MB:.1f} MB held while reading a 50 MB upload"


def test_a_file_at_the_limit_still_reaches_the_importer(as_alice, shelf):
    upload = MultipartUpload(filename="library.bib", size=list_imports.MAX_UPLOAD_BYTES)

    response = upload.post(as_alice, f"/lists/{shelf.pk}/import/")

    # Read, and then refused for what it holds: far more than 1,000 entries.
    assertContains(response, "entries; at most 1,000 can be imported at once")


def bib_upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="application/x-bibtex")


def test_a_5_mb_bib_file_of_100000_entries_is_refused_before_it_is_parsed():
    entry = "@misc{key, title={A paper}, eprint={2401.00001}}\n"
    upload = bib_upload("huge.bib", entry * (list_imports.MAX_UPLOAD_BYTES // len(entry)))

    # Parsing all of it took bibtexparser 25 s, only to refuse it for its number of entries.
    with pytest.raises(list_imports.ImportRefused, match="This has 106,997 entries; at most 1,000"):
        timed("5 MB .bib of 106,997 entries", lambda: list_imports.read_entries(upload=upload))


def test_a_bib_entry_with_a_5_mb_title_is_read_in_bounded_time():
    upload = bib_upload(
        "one.bib", "@misc{k, title={" + "word " * (list_imports.MAX_UPLOAD_BYTES // 5 - 10) + "}}\n"
    )

    # No title is that long: it is not converted (pylatexenc took minutes), and the entry is listed back.
    (entry,) = timed(
        "5 MB .bib, one entry with a 5 MB title", lambda: list_imports.read_entries(upload=upload)
    )

    assert entry.problem.startswith("its title is 5,242,829 characters long")


def test_1000_entries_with_the_longest_latex_titles_read_are_read_in_bounded_time():
    title = "\\emph{x} $\\alpha$ " * (TITLE_SOURCE_MAX_CHARS // 18)
    text = ("@misc{k, title={" + title + "}}\n") * list_imports.MAX_ENTRIES

    entries = timed(
        f"1,000 entries with {len(title)}-character LaTeX titles",
        lambda: list_imports.read_entries(upload=bib_upload("latex.bib", text)),
    )

    assert len(entries) == list_imports.MAX_ENTRIES
    assert entries[0].title.startswith("x \N{GREEK SMALL LETTER ALPHA} x")


def test_1000_entries_with_long_latex_author_lists_and_abstracts_are_read_in_bounded_time():
    authors = " and ".join("M{\\\"u}ller, J{\\'e}r{\\^o}me" for _ in range(60))
    abstract = "\\emph{x} $\\alpha$ " * 150
    entry = f"@misc{{k, title={{T}}, author={{{authors}}}, abstract={{{abstract}}}}}\n"
    text = entry * list_imports.MAX_ENTRIES

    entries = timed(
        "1,000 entries with 60 LaTeX author names and 2.6 kB LaTeX abstracts",
        lambda: list_imports.read_entries(upload=bib_upload("authors.bib", text)),
    )

    # Only the first names up to the title's budget are read from LaTeX; the rest keep their letters.
    assert entries[0].authors[0] == "Jérôme Müller"
    assert len(entries[0].authors) == 60
    assert entries[0].authors[-1] == "J\\'er\\^ome M\\\"uller"
    assert entries[0].abstract.startswith("\\emph{x} $\\alpha$")


def test_comments_strings_and_preambles_do_not_count_as_entries():
    blocks = "".join(f"@comment{{x}}\n@string{{j{n} = {{J}}}}\n@preamble{{{{p}}}}\n" for n in range(400))
    entries = "".join(f"@misc{{k{n}, title={{Paper {n}}}}}\n" for n in range(list_imports.MAX_ENTRIES))

    assert (
        len(list_imports.read_entries(upload=bib_upload("mixed.bib", blocks + entries)))
        == list_imports.MAX_ENTRIES
    )


def test_the_upload_limit_is_at_least_the_import_limit():
    assert settings.UPLOAD_MAX_FILE_BYTES >= list_imports.MAX_UPLOAD_BYTES


def test_the_upload_handler_keeps_bytes_up_to_the_limit_and_counts_the_rest(settings):
    settings.UPLOAD_MAX_FILE_BYTES = 10
    handler = SizeCappedUploadHandler()
    handler.new_file("file", "big.bib", "text/plain", None)

    passed = [handler.receive_data_chunk(chunk, 0) for chunk in (b"12345", b"67890", b"abcde", b"fghij")]
    upload = handler.file_complete(20)

    assert passed == [b"12345", b"67890", None, None]
    assert isinstance(upload, OversizedUpload)
    assert (upload.name, upload.size, upload.read()) == ("big.bib", 20, b"")


def test_the_upload_handler_leaves_a_file_within_the_limit_to_django(settings):
    settings.UPLOAD_MAX_FILE_BYTES = 10
    handler = SizeCappedUploadHandler()
    handler.new_file("file", "small.bib", "text/plain", None)

    assert handler.receive_data_chunk(b"1234567890", 0) == b"1234567890"
    assert handler.file_complete(10) is None


def test_a_huge_form_field_is_refused_before_it_fills_memory(as_alice, shelf):
    response = timed(
        "3 MB pasted text (not a file)",
        lambda: as_alice.post(f"/lists/{shelf.pk}/import/", {"ids": "2401.00001 " * 300_000}),
    )

    assert response.status_code == 400
    assert not shelf.items.exists()


def test_the_import_page_states_its_limits(as_alice, shelf):
    response = as_alice.get(f"/lists/{shelf.pk}/import/")

    assertContains(response, "5 MB")
    assert re.search(r"1,?000 entries", response.content.decode())


def test_a_10000_character_search_is_cut_to_200_and_says_so(client):
    query = "hippocampal place cells " * 420

    response = timed("search with a 10,000-character query", lambda: client.get("/search/", {"q": query}))

    assert len(query) > 10_000
    assertContains(response, f"Your query was longer than {MAX_QUERY_LENGTH} characters")
    shown = re.search(r'name="q" value="([^"]*)"', response.content.decode())
    assert shown and len(shown[1]) <= MAX_QUERY_LENGTH


def test_a_10000_character_live_search_is_cut_too(client):
    response = timed(
        "htmx live search with a 10,000-character query",
        lambda: client.get(
            "/search/", {"q": "x" * 10_000}, headers={"HX-Request": "true", "HX-Target": "search-results"}
        ),
    )

    assertContains(response, "only the first 200 were searched")


@pytest.fixture
def big_list(alice) -> ReadingList:
    papers = Paper.objects.bulk_create(
        Paper(
            title=f"Large list paper {n:05d}",
            title_key=normalize_title(f"Large list paper {n:05d}"),
            arxiv_id=f"2402.{n:05d}",
            authors=["Ada Lovelace"],
            source=Paper.Source.ARXIV_API,
        )
        for n in range(BIG_LIST_SIZE)
    )
    reading_list = ReadingList.objects.create(owner=alice, name="Everything")
    ReadingListItem.objects.bulk_create(
        ReadingListItem(reading_list=reading_list, paper=paper, position=position)
        for position, paper in enumerate(papers)
    )
    return reading_list


def items_on_page(response) -> list[str]:
    return re.findall(r'id="list-item-(\d+)"', response.content.decode())


def test_a_list_of_10000_papers_shows_one_page_of_100(as_alice, big_list):
    first = timed("10,000-item list, page 1", lambda: as_alice.get(f"/lists/{big_list.pk}/"))
    last = timed("10,000-item list, page 100", lambda: as_alice.get(f"/lists/{big_list.pk}/?page=100"))

    assert len(items_on_page(first)) == len(items_on_page(last)) == ITEMS_PER_PAGE == 100
    assertContains(first, "Large list paper 00000")
    assertContains(last, "Large list paper 09999")


def test_the_shared_page_of_a_10000_paper_list_is_paged_too(client, big_list):
    token = reading_list_share(reading_list=big_list)

    response = timed("10,000-item shared list, page 1", lambda: client.get(f"/shared/{token}/"))

    assert response.content.decode().count("Large list paper ") == ITEMS_PER_PAGE


def test_every_download_of_a_10000_paper_list_has_every_paper(as_alice, big_list):
    downloads = {f"export .{fmt}": f"/lists/{big_list.pk}/export.{fmt}" for fmt in FORMATS}
    downloads["account data download"] = "/account/export.json"

    for what, url in downloads.items():
        response = timed(f"10,000-item list, {what}", lambda url=url: as_alice.get(url))

        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, what
        assert content.decode().count("Large list paper ") == BIG_LIST_SIZE, what


def test_moving_one_item_in_a_10000_paper_list_takes_a_few_queries(
    as_alice, big_list, django_assert_max_num_queries
):
    last = big_list.items.get(position=BIG_LIST_SIZE - 1)

    # Not one per item: the items were once loaded with their list id deferred, 10,000 queries a move.
    with django_assert_max_num_queries(15):
        timed(
            "move one item up in a 10,000-item list",
            lambda: as_alice.post(f"/lists/{big_list.pk}/reorder/", {"item": last.pk, "direction": "up"}),
        )

    assert big_list.items.get(position=BIG_LIST_SIZE - 2).pk == last.pk


def test_importing_1000_pasted_ids_at_once_works(as_alice, shelf):
    ids = [f"2402.{n:05d}" for n in range(list_imports.MAX_ENTRIES)]
    Paper.objects.bulk_create(
        Paper(title=f"Paper {arxiv_id}", title_key=arxiv_id, arxiv_id=arxiv_id, source=Paper.Source.ARXIV_API)
        for arxiv_id in ids
    )

    with responses.RequestsMock():  # every paper is in the catalogue: arXiv is never asked
        response = timed(
            "import of 1,000 pasted ids",
            lambda: as_alice.post(f"/lists/{shelf.pk}/import/", {"ids": "\n".join(ids)}),
        )

    assertContains(response, "Added 1000 papers")
    assert shelf.items.count() == list_imports.MAX_ENTRIES
