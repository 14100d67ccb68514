"""papers.importers.import_file with arbitrary input: it imports or raises ImportFileError, nothing else,
and a rejected file or record writes nothing."""

from __future__ import annotations

import datetime
import gzip
import itertools
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papers.importers import ImportFileError, ImportReport, import_file
from papers.importers.records import TITLE_MAX_CHARS
from papers.models import ARXIV_ID_RE, Paper
from tests.properties.conftest import rolled_back

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 6, 1)
_markers = itertools.count()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
arxiv_ids = st.from_regex(r"\A(\d{4}\.\d{4,5}|[a-z]{2,8}(\.[A-Z]{2})?/\d{7})(v\d)?\Z") | st.text(max_size=15)
dates = st.dates(datetime.date(1850, 1, 1), datetime.date(2030, 12, 31)).map(
    datetime.date.isoformat
) | st.text(max_size=25)
texts = st.text(max_size=60)


def import_bytes(data: bytes, *, suffix: str = ".txt") -> ImportReport:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        return import_file(path, today=TODAY)


def check_outcome(data: bytes, *, titles_by_line: dict[int, str] | None = None, suffix: str = ".txt") -> None:
    """Import `data`: ImportFileError writes nothing; a report accounts for every row it wrote, and no
    rejected record left a row (its title carries a marker only it has)."""
    before = Paper.objects.count()
    try:
        report = import_bytes(data, suffix=suffix)
    except ImportFileError:
        assert Paper.objects.count() == before
        return
    assert Paper.objects.count() == before + report.created
    for rejection in report.rejections:
        marker = (titles_by_line or {}).get(rejection.line or -1)
        if marker:
            assert not Paper.objects.filter(title__contains=marker).exists(), rejection
    for paper in Paper.objects.all():
        assert paper.title and len(paper.title) <= TITLE_MAX_CHARS
        assert paper.arxiv_id is None or ARXIV_ID_RE.match(paper.arxiv_id)


def marked_title(draw: Any) -> tuple[Any, str]:
    """A title: mostly text carrying a unique marker, sometimes any JSON value."""
    marker = f"ZQ{next(_markers)}X"
    return draw(st.sampled_from([f"{marker} {draw(texts)}", draw(json_values)])), marker


@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_import_or_are_refused_whole(data):
    with rolled_back():
        check_outcome(data)


@given(text=st.text(max_size=3000))
def test_arbitrary_text_imports_or_is_refused_whole(text):
    with rolled_back():
        check_outcome(text.encode())


@given(data=st.binary(max_size=2000))
def test_arbitrary_gzip_content_and_truncated_archives_import_or_are_refused(data):
    compressed = gzip.compress(data)
    with rolled_back():
        check_outcome(compressed, suffix=".gz")
        check_outcome(compressed[: len(compressed) // 2], suffix=".gz")


@st.composite
def arxiv_jsonl(draw: Any) -> tuple[bytes, dict[int, str]]:
    lines, titles = [], {}
    for number in range(1, draw(st.integers(1, 8)) + 1):
        title, marker = marked_title(draw)
        record = {
            "arxiv_id": draw(arxiv_ids | json_values),
            "title": title,
            "summary": draw(texts | json_values),
            "authors": draw(st.lists(texts, max_size=3) | json_values),
            "categories": draw(
                st.lists(st.sampled_from(["cs.LG", "q-bio.NC", "hep-th", "68T05"]), max_size=3) | json_values
            ),
            "listing_date": draw(dates | json_values),
        }
        # The first line must look like arXiv JSON lines for the file to be read as such.
        if number == 1:
            record["arxiv_id"], record["title"] = draw(arxiv_ids), f"{marker} first"
        lines.append(json.dumps(record) if number == 1 or draw(st.booleans()) else draw(st.text(max_size=40)))
        titles[number] = marker
    return "\n".join(lines).encode(), titles


@given(document=arxiv_jsonl())
def test_arxiv_json_lines_with_arbitrary_values_reject_bad_records_one_by_one(document):
    data, titles = document
    with rolled_back():
        check_outcome(data, titles_by_line=titles)


@st.composite
def hf_json(draw: Any) -> tuple[bytes, dict[int, str]]:
    """A Daily Papers JSON document, as a mapping by arXiv id or as the API's list, one member a line."""
    as_mapping = draw(st.booleans())
    members, titles = [], {}
    for line in range(2, draw(st.integers(1, 6)) + 2):
        title, marker = marked_title(draw)
        titles[line] = marker
        fields = {
            "title": title,
            "authors": draw(st.lists(texts, max_size=3) | json_values),
            "abstract": draw(texts | json_values),
            "publication_date": draw(dates | json_values),
            "upvotes": draw(st.integers(-5, 2**40) | json_values),
            "url": draw(st.sampled_from(["", "https://example.org/p", "ftp://x"]) | json_values),
        }
        if as_mapping:
            members.append(
                f"{json.dumps(draw(arxiv_ids))}: {json.dumps(draw(st.just(fields) | json_values))}"
            )
        else:
            paper = {
                "id": draw(arxiv_ids | json_values),
                "title": title,
                "summary": fields["abstract"],
                "authors": draw(st.lists(st.fixed_dictionaries({"name": texts}), max_size=3) | json_values),
                "publishedAt": draw(dates | json_values),
                "upvotes": fields["upvotes"],
            }
            item = {"paper": draw(st.just(paper) | json_values), "publishedAt": draw(dates | json_values)}
            members.append(json.dumps(item))
    opening, closing = ("{", "}") if as_mapping else ("[", "]")
    return f"{opening}\n" + ",\n".join(members) + f"\n{closing}", titles


@given(document=hf_json(), cut=st.integers(0, 5))
def test_daily_papers_json_with_arbitrary_values_imports_or_is_refused_whole(document, cut):
    text, titles = document
    with rolled_back():
        check_outcome(text.encode(), titles_by_line=titles)
        if cut:  # a truncated document is refused whole
            check_outcome(text[: -cut * 7].encode())


@st.composite
def atom_feeds(draw: Any) -> bytes:
    entries = []
    for _ in range(draw(st.integers(0, 4))):
        title = draw(texts).replace("&", "&amp;").replace("<", "&lt;")
        entry_id = draw(st.sampled_from(["http://arxiv.org/abs/", "urn:x:", ""])) + draw(arxiv_ids).replace(
            "&", ""
        )
        published = draw(dates).replace("&", "").replace("<", "")
        entries.append(
            f"<entry><id>{entry_id.replace('<', '')}</id><title>{title}</title>"
            f"<published>{published}</published>"
            f"<summary>{draw(texts).replace('&', '&amp;').replace('<', '&lt;')}</summary>"
            "<author><name>A</name></author><arxiv:primary_category term='cs.LG'/></entry>"
        )
    feed = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">'
        + "".join(entries)
        + "</feed>"
    )
    truncated = feed[: draw(st.integers(0, len(feed)))]
    return draw(st.sampled_from([feed, feed, feed, truncated])).encode()


@given(feed=atom_feeds())
def test_atom_feeds_with_arbitrary_entries_import_or_are_refused_whole(feed):
    with rolled_back():
        check_outcome(feed, suffix=".atom")


@st.composite
def hf_pages(draw: Any) -> str:
    shapes = st.sampled_from(
        ["Daily Papers", "Subscribe", "·", "• 3 authors", "Jan 5", "Feb 30, 2024 12", "Jul 29 7"]
    )
    lines = [draw(st.sampled_from(["Daily Papers", "Get trending papers in your email inbox!"]))]
    lines += draw(st.lists(shapes | texts | st.text(min_size=290, max_size=320), max_size=20))
    return "\n".join(lines)


@given(page=hf_pages())
def test_daily_papers_page_captures_import_or_are_refused_whole(page):
    with rolled_back():
        check_outcome(page.encode())
