from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from papers.importers import ImportFileError, import_file
from papers.models import Paper
from tests.importers.paths import FIXTURES, HF_JSON_753, SEEDS, TODAY, seed

pytestmark = pytest.mark.django_db

HF_API_LIST = FIXTURES / "hf_daily_papers_api.json"


def entry(**overrides: object) -> dict:
    values = {
        "url": "https://arxiv.org/abs/2401.05334",
        "title": "URHand: Universal Relightable Hands",
        "authors": ["Zhaoxi Chen", "Gyeongsik Moon"],
        "abstract": "Existing photorealistic relightable hand models require extensive\nobservations.",
        "publication_date": "2024-01-10T18:59:51Z",
        "upvotes": 20,
    }
    return values | overrides


def write_json(tmp_path: Path, data: object, name: str = "papers.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=4), encoding="utf-8")
    return path


def test_it_imports_all_753_papers_of_the_hf_json():
    report = import_file(HF_JSON_753, today=TODAY)

    assert (report.created, report.rejected) == (753, 0)
    assert Paper.objects.filter(source=Paper.Source.HF_JSON, arxiv_id__isnull=False).count() == 753


def test_it_keeps_authors_dates_and_upvotes_of_a_hf_json_paper():
    import_file(HF_JSON_753, today=TODAY)

    paper = Paper.objects.get(arxiv_id="2312.17653")
    assert paper.title == "LARP: Language-Agent Role Play for Open-World Games"
    assert paper.authors == ["Ming Yan", "Ruihao Li", "Hao Zhang", "Hao Wang", "Zhilan Yang", "Ji Yan"]
    assert paper.author_count == 6
    assert paper.published_on == datetime.date(2023, 12, 24)
    assert paper.listed_on == datetime.date(2023, 12, 24)
    assert paper.source_upvotes == 29
    # The arXiv address follows from the id; `url` is for papers that live elsewhere.
    assert paper.url == ""


def test_it_unwraps_hard_wrapped_abstracts_and_titles():
    import_file(HF_JSON_753, today=TODAY)

    paper = Paper.objects.get(arxiv_id="2312.17681")
    assert paper.title == "FlowVid: Taming Imperfect Optical Flows for Consistent Video-to-Video Synthesis"
    assert "\n" not in paper.abstract
    assert "  " not in paper.abstract
    assert not Paper.objects.filter(abstract__contains="\n").exists()
    lar = Paper.objects.get(arxiv_id="2312.17653")
    assert "to bridge the gap between language agents and open-world games" in lar.abstract.lower()


def test_importing_the_hf_json_twice_reports_everything_unchanged():
    import_file(HF_JSON_753, today=TODAY)

    report = import_file(HF_JSON_753, today=TODAY)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 753)
    assert Paper.objects.count() == 753


def test_seeds_then_json_merge_where_titles_overlap():
    for path in SEEDS:
        import_file(path, today=TODAY)

    report = import_file(HF_JSON_753, today=TODAY)

    # URHand is on seed page 003 (title only) and in the JSON (with its arXiv id): one row.
    assert (report.created, report.updated) == (752, 1)
    assert Paper.objects.count() == 341 + 752
    urhand = Paper.objects.get(title="URHand: Universal Relightable Hands")
    assert urhand.arxiv_id == "2401.05334"
    assert urhand.source == Paper.Source.HF_PAGE
    assert len(urhand.authors) == urhand.author_count == 23
    assert urhand.source_upvotes == 20
    assert urhand.listed_on == datetime.date(2024, 1, 10)
    assert urhand.imported_from == str(HF_JSON_753)


def test_json_then_seeds_leave_the_names_and_id_in_place():
    import_file(HF_JSON_753, today=TODAY)

    report = import_file(seed("003"), today=TODAY)

    assert report.created == 55
    urhand = Paper.objects.get(title="URHand: Universal Relightable Hands")
    assert urhand.arxiv_id == "2401.05334"
    assert len(urhand.authors) == 23
    assert urhand.source_upvotes == 20


def test_a_truncated_json_file_is_rejected_whole(tmp_path):
    path = tmp_path / "truncated.json"
    path.write_bytes(HF_JSON_753.read_bytes()[:50_000])

    with pytest.raises(ImportFileError, match=r"truncated\.json: invalid JSON"):
        import_file(path, today=TODAY)

    assert not Paper.objects.exists()


def test_a_record_with_a_bad_arxiv_id_is_rejected_and_the_others_import(tmp_path):
    path = write_json(
        tmp_path,
        {
            "2401.05334": entry(),
            "not-an-id": entry(title="Another paper about hands"),
            "2312.17653": entry(title="LARP: Language-Agent Role Play for Open-World Games"),
        },
    )

    report = import_file(path, today=TODAY)

    assert report.created == 2
    assert [str(rejection) for rejection in report.rejections] == [
        f"{path}:13: 'not-an-id' is not an arXiv id"
    ]
    assert not Paper.objects.filter(title="Another paper about hands").exists()


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"upvotes": -3}, "upvotes must be a non-negative whole number, not -3"),
        ({"upvotes": "12"}, "upvotes must be a whole number, not '12'"),
        ({"upvotes": True}, "upvotes must be a whole number, not True"),
        ({"title": ""}, "title is empty"),
        ({"title": None}, "title is empty"),
        ({"title": "x" * 1001}, "title is 1001 characters long (at most 1000)"),
        ({"title": ["a", "list"]}, "title must be text, not list"),
        ({"authors": "Zhaoxi Chen"}, "authors must be a list, not str"),
        ({"authors": ["Zhaoxi Chen", 7]}, "an entry of authors must be text, not int"),
        ({"publication_date": "10/01/2024"}, "published date '10/01/2024' is not a date"),
        (
            {"publication_date": "2224-01-10T00:00:00Z"},
            "published date 2224-01-10 is in the future (today is 2026-11-22)",
        ),
        ({"abstract": "Null\u0000byte"}, "abstract contains a NUL character"),
        (
            {"url": "ftp://example.org/paper.pdf"},
            "url 'ftp://example.org/paper.pdf' is not an http(s) address",
        ),
    ],
)
def test_a_record_with_an_unusable_value_is_rejected_with_a_reason(tmp_path, overrides, reason):
    path = write_json(tmp_path, {"2401.05334": entry(**overrides), "2312.17653": entry(title="LARP")})

    report = import_file(path, today=TODAY)

    assert [rejection.reason for rejection in report.rejections] == [reason]
    assert report.rejections[0].line == 2
    assert list(Paper.objects.values_list("arxiv_id", flat=True)) == ["2312.17653"]


def test_an_entry_that_is_not_an_object_is_rejected(tmp_path):
    path = write_json(tmp_path, {"2401.05334": ["not", "an", "object"], "2312.17653": entry(title="LARP")})

    report = import_file(path, today=TODAY)

    assert [rejection.reason for rejection in report.rejections] == ["entry '2401.05334' is not an object"]
    assert Paper.objects.count() == 1


def test_it_imports_a_saved_daily_papers_api_response():
    report = import_file(HF_API_LIST, today=TODAY)

    assert (report.created, report.rejected) == (3, 0)
    paper = Paper.objects.get(arxiv_id="2401.00368")
    assert paper.source == Paper.Source.HF_API
    assert paper.title == "Improving Text Embeddings with Large Language Models"
    assert paper.authors[:2] == ["Liang Wang", "Nan Yang"]
    assert paper.organization == "Microsoft"
    assert paper.published_on == datetime.date(2023, 12, 31)
    # The item's own publishedAt is the day it was on the Daily Papers list.
    assert paper.listed_on == datetime.date(2024, 1, 2)
    assert paper.source_upvotes == 72
    assert Paper.objects.get(arxiv_id="2312.17681").organization == ""


def test_a_daily_papers_item_without_a_paper_is_rejected_with_its_line(tmp_path):
    items = json.loads(HF_API_LIST.read_text())
    path = write_json(tmp_path, [{"title": "no paper object"}, *items[1:]], name="daily.json")

    report = import_file(path, today=TODAY)

    assert report.created == 2
    assert [str(rejection) for rejection in report.rejections] == [f"{path}:2: item has no 'paper' object"]


def test_the_format_is_read_from_the_content_not_the_file_name(tmp_path):
    path = tmp_path / "looks_like_a_page.txt"
    path.write_bytes(HF_API_LIST.read_bytes())

    report = import_file(path, today=TODAY)

    assert report.created == 3


def test_a_large_file_shows_a_progress_bar_when_asked(capsys):
    import_file(HF_JSON_753, today=TODAY, progress=True)

    assert "753/753" in capsys.readouterr().err


def test_no_progress_bar_unless_asked(capsys):
    import_file(HF_JSON_753, today=TODAY)

    assert capsys.readouterr().err == ""
