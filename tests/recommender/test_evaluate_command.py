from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "citeulike_tiny"
KEYS = {f"recall@{m}" for m in (50, 100, 150, 200, 250, 300)}


METHODS = {"ranker", "tfidf_profile", "random", "most_popular"}


@pytest.mark.parametrize(
    ("protocol", "rankings"),
    [
        ("p1", {"among all unsaved"}),
        ("p10", {"among all unsaved"}),
        ("new", {"among all unsaved", "among new alone"}),
    ],
)
def test_it_prints_one_json_object_with_recall_for_the_ranker_and_the_baselines(protocol, rankings):
    out = io.StringIO()
    call_command("evaluate_recommender", dataset=str(TINY), protocol=protocol, json=True, stdout=out)
    result = json.loads(out.getvalue())
    assert set(result["recall"]) == rankings
    for methods in result["recall"].values():
        assert set(methods) == METHODS
        for values in methods.values():
            assert set(values) == KEYS
            assert all(0.0 <= values[key] <= 1.0 for key in KEYS)


def test_it_prints_a_table_for_each_ranking_without_json():
    out = io.StringIO()
    call_command("evaluate_recommender", dataset=str(TINY), protocol="new", seeds=[0], stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "among all unsaved:"
    assert lines[1].split() == ["method", *sorted(KEYS, key=lambda k: int(k.split("@")[1]))]
    assert [line.split()[0] for line in lines[2:6]] == ["ranker", "tfidf_profile", "random", "most_popular"]
    assert lines[6] == "among new alone:"
    assert "1 split(s)" in lines[-1]


def test_a_dataset_name_is_looked_up_in_the_data_directory():
    out = io.StringIO()
    call_command(
        "evaluate_recommender",
        dataset=TINY.name,
        data_dir=str(TINY.parent),
        protocol="p10",
        json=True,
        stdout=out,
    )
    assert set(json.loads(out.getvalue())["recall"]) == {"among all unsaved"}


def test_it_refuses_a_directory_without_items(tmp_path):
    with pytest.raises(CommandError, match=r"no items\.jsonl"):
        call_command("evaluate_recommender", dataset=str(tmp_path), protocol="p1", json=True)


def test_it_refuses_an_unknown_protocol():
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("evaluate_recommender", "--dataset", str(TINY), "--protocol", "p5")


def test_it_reports_a_malformed_split_line(tmp_path):
    (tmp_path / "splits_cvae").mkdir()
    (tmp_path / "items.jsonl").write_text((TINY / "items.jsonl").read_text())
    (tmp_path / "splits_cvae" / "cf-train-1-users.dat").write_text("2 0\n")
    (tmp_path / "splits_cvae" / "cf-test-1-users.dat").write_text("1 1\n")
    with pytest.raises(CommandError, match="count 2 but 1 item ids"):
        call_command("evaluate_recommender", dataset=str(tmp_path), protocol="p1", json=True)
