from __future__ import annotations

import datetime

import pytest

from papers.importers import ImportFileError, import_file
from papers.models import Paper
from tests.importers.paths import FIXTURES, TODAY

pytestmark = pytest.mark.django_db

LISTING = FIXTURES / "arxiv_api_listing.atom"


def test_it_imports_an_arxiv_api_response():
    report = import_file(LISTING, today=TODAY)

    assert (report.created, report.rejected) == (3, 0)
    assert set(Paper.objects.values_list("arxiv_id", flat=True)) == {"2401.05334", "2401.00368", "2312.17653"}
    assert set(Paper.objects.values_list("source", flat=True)) == {Paper.Source.ARXIV_API}


def test_it_reads_id_without_version_categories_doi_and_dates_of_an_entry():
    import_file(LISTING, today=TODAY)

    paper = Paper.objects.get(arxiv_id="2401.00368")
    assert paper.title == "Improving Text Embeddings with Large Language Models"
    assert paper.categories == ["cs.CL", "cs.IR"]
    assert paper.doi == "10.48550/arXiv.2401.00368"
    assert paper.published_on == datetime.date(2023, 12, 31)
    # A saved response says nothing about listing days.
    assert paper.listed_on is None
    assert paper.authors == [
        "Liang Wang",
        "Nan Yang",
        "Xiaolong Huang",
        "Linjun Yang",
        "Rangan Majumder",
        "Furu Wei",
    ]
    assert paper.abstract.startswith("In this paper, we introduce a novel and simple method")
    assert "\n" not in paper.abstract


def test_importing_the_same_response_twice_reports_everything_unchanged():
    import_file(LISTING, today=TODAY)

    report = import_file(LISTING, today=TODAY)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)


def test_an_arxiv_error_entry_is_rejected_with_its_line(tmp_path):
    path = tmp_path / "error.atom"
    path.write_bytes((FIXTURES / "arxiv_api_error.atom").read_bytes())

    report = import_file(path, today=TODAY)

    assert [str(rejection) for rejection in report.rejections] == [
        f"{path}:10: arXiv API error: incorrect id format for 2401.9999x"
    ]
    assert not Paper.objects.exists()


def test_an_atom_feed_that_is_not_xml_is_rejected_whole(tmp_path):
    path = tmp_path / "broken.atom"
    text = LISTING.read_text()
    path.write_text(text.replace("</title>", "", 1))

    with pytest.raises(ImportFileError, match=r"broken\.atom: not well-formed XML: mismatched tag: line \d+"):
        import_file(path, today=TODAY)

    assert not Paper.objects.exists()


def test_a_truncated_atom_feed_is_rejected_whole(tmp_path):
    path = tmp_path / "truncated.atom"
    path.write_bytes(LISTING.read_bytes()[:5000])

    with pytest.raises(ImportFileError, match="not well-formed XML"):
        import_file(path, today=TODAY)

    assert not Paper.objects.exists()


def test_xml_that_is_not_an_atom_feed_is_rejected(tmp_path):
    path = tmp_path / "rss.xml"
    path.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>News</title></channel></rss>')

    with pytest.raises(ImportFileError, match=r"XML but not an Atom feed \(the root element is <rss>\)"):
        import_file(path, today=TODAY)


def test_xml_with_entity_declarations_is_refused(tmp_path):
    path = tmp_path / "laughs.atom"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY lol "lol">]>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&lol;</title></entry></feed>'
    )

    with pytest.raises(ImportFileError, match="DOCTYPE or entity declarations"):
        import_file(path, today=TODAY)
