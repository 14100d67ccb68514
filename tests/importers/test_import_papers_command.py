from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from papers.models import Paper
from tests.importers.paths import ARXIV_JSONL_50, FIXTURES, SEEDS, seed

pytestmark = pytest.mark.django_db


def import_papers(*paths: object, **options: object) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command("import_papers", *map(str, paths), stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


def test_it_prints_the_counts_of_each_file_and_the_total():
    stdout, stderr = import_papers(*SEEDS, today=datetime.date(2026, 11, 22))

    assert f"{seed('000')}: created 47, updated 0, unchanged 0, rejected 0" in stdout
    assert "total: created 341, updated " in stdout
    assert ", rejected 0" in stdout.splitlines()[-1]
    assert stderr == ""


def test_a_second_run_prints_everything_unchanged():
    import_papers(ARXIV_JSONL_50)

    stdout, _ = import_papers(ARXIV_JSONL_50)

    assert stdout.strip() == f"{ARXIV_JSONL_50}: created 0, updated 0, unchanged 50, rejected 0"


def test_rejected_records_are_listed_with_file_and_line(tmp_path):
    path = tmp_path / "papers.jsonl"
    path.write_text(
        '{"arxiv_id": "2503.11731", "title": "Sensor simulation"}\n{"arxiv_id": "bad", "title": "x"}\n'
    )

    stdout, stderr = import_papers(path)

    assert f"{path}: created 1, updated 0, unchanged 0, rejected 1" in stdout
    assert stderr.strip() == f"rejected {path}:2: 'bad' is not an arXiv id"


def test_an_unreadable_file_fails_the_command_after_importing_the_others(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("")

    with pytest.raises(
        CommandError,
        match=r"2 file\(s\) could not be imported: .*empty\.json: the file is empty; .*missing\.txt: ",
    ):
        import_papers(empty, FIXTURES / "arxiv_api_listing.atom", tmp_path / "missing.txt")

    assert Paper.objects.count() == 3


def test_a_missing_file_fails_the_command(tmp_path):
    with pytest.raises(CommandError, match="No such file or directory"):
        import_papers(tmp_path / "missing.txt")


def test_the_reference_date_option_bounds_year_less_dates():
    # Page 003 is from 2025 by its own years; "Oct 20" is after this reference date, so not known.
    import_papers(seed("003"), today=datetime.date(2025, 10, 19))

    assert set(Paper.objects.values_list("listed_on", flat=True)) == {None}


def test_the_command_parses_the_reference_date_from_the_command_line():
    stdout, _ = import_papers(seed("003"), "--today=2025-10-20", "--no-progress")

    assert "created 56" in stdout
    assert set(Paper.objects.values_list("listed_on", flat=True)) == {datetime.date(2025, 10, 20)}
