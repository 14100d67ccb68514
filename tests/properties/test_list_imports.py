"""papers.lists.imports.import_into_list with arbitrary text and files: it adds papers or raises
ImportRefused, nothing else, and a refused import writes nothing (arXiv behind a mock)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
import responses
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from papers.catalogue import sources
from papers.lists.imports import ImportRefused, ImportResult, import_into_list
from papers.models import Paper, ReadingList, ReadingListItem
from tests.factories import PaperFactory
from tests.importers.paths import FIXTURES
from tests.properties.conftest import rolled_back

pytestmark = pytest.mark.django_db

ARXIV_ANSWERS = {
    "knows two papers": (FIXTURES / "arxiv_api_by_id.atom").read_text(),
    "knows nothing": (FIXTURES / "arxiv_api_empty.atom").read_text(),
}
CATALOGUE_IDS = ["2401.00001", "2401.00002", "1706.03762"]

ids = st.sampled_from([*CATALOGUE_IDS, "2312.17653", "2401.05334", "hep-th/9901001"]) | st.from_regex(
    r"\A\d{4}\.\d{4,5}\Z"
)
versioned = ids.flatmap(lambda arxiv_id: st.sampled_from([arxiv_id, f"{arxiv_id}v2", f"arXiv:{arxiv_id}"]))
tokens = (
    versioned
    | ids.map(lambda arxiv_id: f"https://arxiv.org/abs/{arxiv_id}v1")
    | ids.map(lambda arxiv_id: f"arxiv.org/pdf/{arxiv_id}.pdf")
    | st.sampled_from(["10.1038/nature14539", "doi:10.48550/arXiv.2401.00002", "https://doi.org/10.1/x"])
    | st.text(max_size=20)
)
pasted = st.lists(tokens, max_size=12).flatmap(
    lambda parts: st.sampled_from(["\n", " ", ", ", ";", "\r\n"]).map(lambda separator: separator.join(parts))
)
field_values = st.text(max_size=40) | ids | st.sampled_from(["{", "}", "{Deep} learning", "\\'e", "$x$"])


@st.composite
def bibtex(draw: Any) -> str:
    entries = []
    for number in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["article", "misc", "inproceedings", "comment", "string", "ARTICLE"]))
        fields = draw(
            st.dictionaries(
                st.sampled_from(
                    ["title", "eprint", "doi", "archiveprefix", "journal", "url", "note", "author"]
                ),
                field_values,
                max_size=5,
            )
        )
        body = ", ".join(f"{name} = {{{value}}}" for name, value in fields.items())
        entries.append(f"@{kind}{{key{number}, {body}}}")
    return draw(st.sampled_from(["\n", "\n\n", "\nnoise\n"])).join(entries)


@st.composite
def ris(draw: Any) -> str:
    records = []
    for _ in range(draw(st.integers(0, 5))):
        lines = ["TY  - JOUR"]
        for tag in draw(st.lists(st.sampled_from(["TI", "DO", "N1", "UR", "AU", "JO", "XX"]), max_size=5)):
            lines.append(f"{tag}  - {draw(field_values)}")
        if draw(st.integers(0, 9)):  # now and then a record without its end
            lines.append("ER  - ")
        records.append("\n".join(lines))
    return "\n".join(records)


# Only ids the recorded arXiv answer knows: the path where arXiv's papers are added to the catalogue.
known_to_arxiv = st.lists(
    st.sampled_from(["2312.17653", "2401.05334v1", "arXiv:2312.17653"]), min_size=1, max_size=3
)
texts = st.text(max_size=400) | pasted | bibtex() | ris() | known_to_arxiv.map(" ".join)


@pytest.fixture
def shelf(alice, monkeypatch) -> ReadingList:
    monkeypatch.setattr(sources, "ARXIV_REQUEST_INTERVAL_SECONDS", 0)
    for arxiv_id in CATALOGUE_IDS:
        PaperFactory(arxiv_id=arxiv_id, title=f"Catalogue paper {arxiv_id}")
    PaperFactory(arxiv_id=None, doi="10.1038/nature14539", title="Deep learning")
    return ReadingList.objects.create(owner=alice, name="Imports")


def import_with_arxiv(reading_list: ReadingList, arxiv: str, **source: Any) -> None:
    """Import with arXiv answering as `arxiv` says; check the outcome against what was written."""
    items, papers = ReadingListItem.objects.count(), Paper.objects.count()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as http:
        url = re.compile(r"https://export\.arxiv\.org/.*")
        if arxiv in ARXIV_ANSWERS:
            http.get(url, body=ARXIV_ANSWERS[arxiv])
        elif arxiv == "fails":
            http.get(url, status=503)
        else:
            http.get(url, body=requests.ConnectionError("arXiv is unreachable"))
        try:
            result = import_into_list(reading_list=reading_list, **source)
        except ImportRefused as refusal:
            assert str(refusal)  # a message for the user
            assert (ReadingListItem.objects.count(), Paper.objects.count()) == (items, papers)
            return
    assert isinstance(result, ImportResult)
    assert ReadingListItem.objects.count() == items + len(result.added)
    assert papers <= Paper.objects.count() <= papers + result.looked_up + result.from_file
    on_list = set(reading_list.items.values_list("paper_id", flat=True))
    assert {paper.pk for paper in result.added + result.already_on_list} <= on_list


arxiv_behaviours = st.sampled_from([*ARXIV_ANSWERS, "fails", "unreachable"])


@given(text=texts, arxiv=arxiv_behaviours)
def test_arbitrary_pasted_text_adds_papers_or_is_refused_with_nothing_written(shelf, text, arxiv):
    with rolled_back():
        import_with_arxiv(shelf, arxiv, text=text)


@settings(max_examples=100)
@given(
    content=st.binary(max_size=2000) | texts.map(str.encode) | texts.map(lambda text: text.encode("utf-16")),
    name=st.sampled_from(
        ["refs.bib", "refs.RIS", "refs.txt", "refs.bibtex", "refs.pdf", "refs", ".bib", "x" * 300]
    ),
    arxiv=arxiv_behaviours,
)
def test_an_arbitrary_uploaded_file_adds_papers_or_is_refused_with_nothing_written(
    shelf, content, name, arxiv
):
    with rolled_back():
        import_with_arxiv(shelf, arxiv, upload=SimpleUploadedFile(name, content))
