from __future__ import annotations

import datetime
import gzip
import json
from pathlib import Path

import pytest

from papers.importers import ImportFileError, import_file
from papers.models import Paper
from tests.importers.paths import ARXIV_JSONL_50, TODAY

pytestmark = pytest.mark.django_db


def fixture_lines() -> list[bytes]:
    return gzip.decompress(ARXIV_JSONL_50.read_bytes()).splitlines(keepends=True)


def write_lines(tmp_path: Path, lines: list[bytes], *, compress: bool = False) -> Path:
    data = b"".join(lines)
    path = tmp_path / ("papers.jsonl.gz" if compress else "papers.jsonl")
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def record(**overrides: object) -> bytes:
    values = {
        "arxiv_id": "2503.11731",
        "title": "Industrial-Grade Sensor Simulation via Gaussian Splatting",
        "summary": "Sensor simulation is pivotal for scalable validation of autonomous driving systems.",
        "authors": ["Xianming Zeng", "Sicong Du"],
        "categories": ["cs.CV", "cs.RO"],
        "listing_date": "2025-03-18",
    }
    return json.dumps(values | overrides).encode() + b"\n"


def test_it_imports_the_50_line_cut_of_the_arxiv_file():
    report = import_file(ARXIV_JSONL_50, today=TODAY)

    assert (report.created, report.updated, report.unchanged, report.rejected) == (50, 0, 0, 0)
    assert Paper.objects.filter(source=Paper.Source.ARXIV_JSONL).count() == 50


def test_it_keeps_the_fields_of_an_arxiv_record():
    import_file(ARXIV_JSONL_50, today=TODAY)

    paper = Paper.objects.get(arxiv_id="2503.11731")
    assert paper.title.startswith("Industrial-Grade Sensor Simulation via Gaussian Splatting")
    assert paper.authors[:3] == ["Xianming Zeng", "Sicong Du", "Qifeng Chen"]
    assert paper.author_count == len(paper.authors) == 16
    assert paper.categories == ["cs.CV", "cs.RO"]
    assert paper.listed_on == datetime.date(2025, 3, 18)
    assert paper.published_on is None
    assert paper.abstract.startswith("Sensor simulation is pivotal")
    assert (
        paper.title_key
        == "industrial grade sensor simulation via gaussian splatting a modular framework "
        + ("for scalable editing and full stack validation")
    )


def test_importing_the_arxiv_file_twice_reports_everything_unchanged():
    import_file(ARXIV_JSONL_50, today=TODAY)

    report = import_file(ARXIV_JSONL_50, today=TODAY)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 50)
    assert Paper.objects.count() == 50


def test_plain_and_gzipped_json_lines_are_the_same_format(tmp_path):
    plain = write_lines(tmp_path, fixture_lines())

    assert import_file(plain, today=TODAY).created == 50
    assert import_file(ARXIV_JSONL_50, today=TODAY).unchanged == 50


def test_small_batches_give_the_same_result(tmp_path, monkeypatch):
    monkeypatch.setattr("papers.importers.upsert.BATCH_SIZE", 7)
    lines = fixture_lines()
    # The same paper twice, in different batches.
    path = write_lines(tmp_path, [*lines, lines[0]])

    report = import_file(path, today=TODAY)

    assert (report.created, report.unchanged) == (50, 1)


def test_a_broken_line_is_rejected_with_its_number_and_the_rest_imports(tmp_path):
    lines = fixture_lines()
    path = write_lines(
        tmp_path, [*lines[:10], b'{"arxiv_id": "2503.99999", "title": "Half a rec\n', *lines[10:]]
    )

    report = import_file(path, today=TODAY)

    assert report.created == 50
    assert len(report.rejections) == 1
    assert str(report.rejections[0]).startswith(f"{path}:11: invalid JSON: ")
    assert not Paper.objects.filter(arxiv_id="2503.99999").exists()


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (record(arxiv_id="2503.117"), "'2503.117' is not an arXiv id"),
        (record(arxiv_id=""), "record has no arxiv_id"),
        (record(title="   "), "title is empty"),
        (record(listing_date="18 March 2025"), "listing date '18 March 2025' is not a date"),
        (record(categories="cs.CV"), "categories must be a list, not str"),
        (b'["a", "list"]\n', "expected a JSON object, found list"),
        (b'{"arxiv_id": "2503.11731", "title": "caf\xe9"}\n', "line is not valid UTF-8"),
    ],
)
def test_a_bad_record_is_rejected_and_nothing_of_it_is_written(tmp_path, line, reason):
    path = write_lines(tmp_path, [record(arxiv_id="2503.11742", title="Safe Vision-Language Models"), line])

    report = import_file(path, today=TODAY)

    assert [(rejection.line, rejection.reason) for rejection in report.rejections] == [(2, reason)]
    assert list(Paper.objects.values_list("arxiv_id", flat=True)) == ["2503.11742"]


def test_acm_and_msc_classes_are_not_kept_as_arxiv_categories(tmp_path):
    path = write_lines(tmp_path, [record(categories=["cs.HC", "cs.AI", "I.2; I.2.1; H.5.2", "68T09, 68T50"])])

    import_file(path, today=TODAY)

    assert Paper.objects.get().categories == ["cs.HC", "cs.AI"]


def test_a_truncated_gzip_file_is_rejected_whole(tmp_path):
    path = tmp_path / "truncated.jsonl.gz"
    data = ARXIV_JSONL_50.read_bytes()
    path.write_bytes(data[: len(data) // 2])

    with pytest.raises(ImportFileError, match=r"truncated\.jsonl\.gz: corrupt or truncated gzip data"):
        import_file(path, today=TODAY)

    assert not Paper.objects.exists()


def test_a_versioned_id_is_stored_without_its_version(tmp_path):
    path = write_lines(tmp_path, [record(arxiv_id="2503.11731v3")])

    import_file(path, today=TODAY)

    assert Paper.objects.get().arxiv_id == "2503.11731"


def test_a_first_line_longer_than_a_page_is_still_recognised(tmp_path):
    authors = [f"Member {number} of a large collaboration" for number in range(3000)]
    path = write_lines(tmp_path, [record(authors=authors), record(arxiv_id="2503.11742", title="Safe VLMs")])

    report = import_file(path, today=TODAY)

    assert report.created == 2
    assert Paper.objects.get(arxiv_id="2503.11731").author_count == 3000
